using FlowLive.Flows.Layers;

namespace FlowLive.Flows.Architectures;

/// <summary>FlowLive's ready-made flows, by name. Layers are listed in generative order (base side first).</summary>
public static class Catalog
{
    static bool IsVector(Shape s) => s.IsVector && s[0] >= 2;

    public static readonly IReadOnlyList<Architecture> All =
    [
        new("realnvp", "RealNVP: masked affine couplings with alternating halves (Dinh et al. 2016)", IsVector,
            (shape, o) => MaskedAffineCouplingSpec.Alternating(shape, Masks.Half(shape), o.Steps, o.Net)),
        // The keras.io example's coupling: separate nets for s (ending in tanh) and t; exercise defaults in SeedArchitectures.KerasOptions.
        SeedArchitectures.Keras,
        // NICE scales last in the normalizing direction, so first in generative order.
        new("nice", "NICE: additive couplings with alternating halves and a learned scale (Dinh et al. 2014)", IsVector,
            (shape, o) => [new ScaleSpec { Shape = shape, Learnable = true },
                           .. AdditiveCouplingSpec.Alternating(shape, Masks.Half(shape), o.Steps, o.Net)]),
        // Toy data reach about 4 from the origin: splines cover that, tails beyond stay linear.
        new("spline", "neural spline flow: rational-quadratic spline couplings, alternating halves (Durkan et al. 2019)", IsVector,
            (shape, o) => RationalQuadraticSplineCouplingSpec.Alternating(shape, o.Steps, o.Net).Select(s => s with { Bound = 4.5 })),
        new("maf", "masked autoregressive flow: MADE layers, fast density, sequential sampling (Papamakarios et al. 2017)", IsVector,
            (shape, o) => Enumerable.Range(0, o.Steps).Select(i => MaskedAutoregressiveFlowSpec.Random(shape, o.Seed + i) with { Net = o.Net })),
        new("iaf", "inverse autoregressive flow: fast sampling, sequential density (Kingma et al. 2016)", IsVector,
            (shape, o) => Enumerable.Range(0, o.Steps).Select(i => InverseAutoregressiveFlowSpec.Random(shape, o.Seed + i) with { Net = o.Net })),
        // Additive residual blocks keep volume, so a learned scale (as in NICE) lets the flow change density.
        new("irevnet", "i-RevNet: additive residual blocks, exact inverse, plus a learned scale (Jacobsen et al. 2018)", IsVector,
            (shape, o) => [new ScaleSpec { Shape = shape, Learnable = true },
                           .. Enumerable.Range(0, o.Steps).Select(_ => new IRevNetBlockSpec { Shape = shape, Net = o.Net })]),
        new("iresnet", "i-ResNet: spectrally normalised residual blocks, fixed-point inverse, stochastic log-det (Behrmann et al. 2019)", IsVector,
            // Each block its own probe seed, so the Hutchinson estimates of different blocks are not correlated.
            (shape, o) => Enumerable.Range(0, o.Steps).SelectMany(i => new LayerSpec[]
                { new ActNormSpec { Shape = shape },
                  new IResNetBlockSpec { Shape = shape, Net = o.Net with { Activation = Nets.Activation.Elu }, ProbeSeed = o.Seed + i } })),
        new("planar", "planar flows (Rezende and Mohamed 2015): sampling only, fitted to a --target by reverse KL", IsVector,
            (shape, o) => Enumerable.Range(0, o.Steps).Select(_ => new PlanarFlowSpec { Shape = shape }), ReverseKlOnly: true),
        new("radial", "radial flows (Rezende and Mohamed 2015): sampling only, fitted to a --target by reverse KL", IsVector,
            (shape, o) => Enumerable.Range(0, o.Steps).Select(_ => new RadialFlowSpec { Shape = shape }), ReverseKlOnly: true),
        new("glow", "Glow: multi-scale ActNorm, 1x1 convolutions and affine couplings, for images (Kingma and Dhariwal 2018)",
            Glow.Supports, Glow.Layers),
        // Exercise defaults for 1x28x28 digits in SeedArchitectures.MultiScaleOptions; --levels counts the squeezes.
        SeedArchitectures.MultiScale,
    ];

    public static IReadOnlyList<string> Names => All.Select(a => a.Name).ToList();

    public static Architecture Get(string name) =>
        All.FirstOrDefault(a => a.Name == name)
        ?? throw new ArgumentException($"unknown flow architecture '{name}' (expected one of: {string.Join(", ", Names)})");
}
