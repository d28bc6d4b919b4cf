using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Models;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Architectures;

/// <summary>
/// The course exercises' flows (<see cref="SeedArchitectures"/>): layer structure, conditioner shapes and weight
/// counts worked out by hand from each exercise, identity when new, finite samples and log-probs, and model files.
/// </summary>
public sealed class SeedArchitecturesTests
{
    /// <summary>Every seed factory; the heavy ones with narrower nets, so the runtime checks stay fast.</summary>
    static readonly Dictionary<string, Func<FlowSpec>> Seeds = new()
    {
        ["radboud"] = () => SeedArchitectures.RadboudMoons(),
        ["keras"] = () => SeedArchitectures.KerasRealNvp(hidden: 32),
        ["keras-bimodal"] = () => SeedArchitectures.KerasRealNvpBimodal(hidden: 32),
        ["dtu-toy"] = () => SeedArchitectures.DtuToy(),
        ["dtu-digits-random"] = () => SeedArchitectures.DtuDigitsRandomMasks(hidden: 16),
        ["dtu-digits-chequerboard"] = () => SeedArchitectures.DtuDigitsChequerboard(hidden: 16),
        ["rosenbaum"] = () => SeedArchitectures.RosenbaumDigits(hidden: 32),
        ["realnvp-multiscale"] = () => SeedArchitectures.RealNvpMultiScaleDigits(hidden: 16),
        ["glow-digits"] = () => SeedArchitectures.GlowDigits(steps: 2, hidden: 16),
    };

    public static TheoryData<string> SeedNames() => new(Seeds.Keys);

    // Glow starts from random invertible 1x1 convolutions, so it is not the identity when new; every other seed is.
    public static TheoryData<string> IdentityWhenNew() => new(Seeds.Keys.Where(k => k != "glow-digits"));

    static long Weights(FlowSpec spec)
    {
        using var flow = spec.Build();
        return flow.Layers.Sum(l => l.parameters().Sum(p => p.numel()));
    }

    static IEnumerable<LayerSpec> Flatten(IEnumerable<LayerSpec> layers) =>
        layers.SelectMany(l => l is FactorOutSpec f ? [l, .. Flatten(f.Inner)] : new[] { l });

    /// <summary>Shapes of the weights of one built layer, in registration order.</summary>
    static List<long[]> WeightShapes(LayerSpec spec)
    {
        using var layer = spec.Build();
        return layer.parameters().Select(p => p.shape).ToList();
    }

    /// <summary>Data for the flow: dequantized pixels in (0, 1) for images, standard normal vectors otherwise.</summary>
    static Tensor Data(Shape shape, long batch, Generator g) =>
        shape.IsImage ? rand(shape.WithBatch(batch), dtype: float64, generator: g) * 0.98 + 0.01
                      : randn(shape.WithBatch(batch), dtype: float64, generator: g);

    // ---- structure, shapes and counts at the exercises' defaults ----------------------------------------------

    [Fact]
    public void Radboud_is_four_split_couplings_of_1_16_16_2_mlps_with_unbounded_scales()
    {
        var spec = SeedArchitectures.RadboudMoons();
        Assert.Equal(Shape.Vector(2), Assert.IsType<StandardNormalSpec>(spec.Base).Shape);
        var couplings = spec.Layers.Select(l => Assert.IsType<AffineCouplingSpec>(l)).ToList();
        // The last layer is the first applied to data: it transforms x2 given x1, then the halves swap.
        Assert.Equal([true, false, true, false], couplings.Select(c => c.TransformFirstHalf));
        Assert.All(couplings, c => Assert.Equal(ScaleBound.None, c.Bound));
        Assert.Equal([[16, 1], [16], [16, 16], [16], [2, 16], [2]], WeightShapes(couplings[0]));
        // Per coupling 1*16+16 + 16*16+16 + 16*2+2 = 32 + 272 + 34 = 338.
        Assert.Equal(4 * 338, Weights(spec));
    }

    [Fact]
    public void Keras_is_six_couplings_with_alternating_masks_and_separate_four_layer_256_nets()
    {
        var spec = SeedArchitectures.KerasRealNvp();
        Assert.IsType<StandardNormalSpec>(spec.Base);
        var couplings = spec.Layers.Select(l => Assert.IsType<MaskedAffineCouplingSpec>(l)).ToList();
        Assert.Equal(6, couplings.Count);
        for (int i = 0; i < 6; i++) Assert.Equal(i % 2 == 0 ? [0, 1] : new[] { 1, 0 }, couplings[i].Mask);
        Assert.All(couplings, c => Assert.True(c.SeparateNets && c.Bound == ScaleBound.Tanh && c.Clamp == 1));
        long[][] net = [[256, 2], [256], [256, 256], [256], [256, 256], [256], [256, 256], [256], [2, 256], [2]];
        Assert.Equal([.. net, .. net], WeightShapes(couplings[0]));
        // Per net 2*256+256 + 3 (256*256+256) + 256*2+2 = 768 + 197,376 + 514 = 198,658; two nets per coupling.
        Assert.Equal(6 * 2 * 198_658, Weights(spec));

        var bimodal = SeedArchitectures.KerasRealNvpBimodal();
        Assert.Equal(2, Assert.IsType<GaussianMixtureSpec>(bimodal.Base).Means.Length);
        Assert.Equal(SpecJson.Serialize(spec.Layers), SpecJson.Serialize(bimodal.Layers));
    }

    [Fact]
    public void Dtu_toy_is_five_couplings_with_flipped_half_masks_and_separate_2_8_2_nets()
    {
        var spec = SeedArchitectures.DtuToy();
        var couplings = spec.Layers.Select(l => Assert.IsType<MaskedAffineCouplingSpec>(l)).ToList();
        Assert.Equal([[1, 0], [0, 1], [1, 0], [0, 1], [1, 0]], couplings.Select(c => c.Mask));
        Assert.All(couplings, c => Assert.True(c.SeparateNets && c.Bound == ScaleBound.Tanh && c.Clamp == 1));
        Assert.Equal([[8, 2], [8], [2, 8], [2], [8, 2], [8], [2, 8], [2]], WeightShapes(couplings[0]));
        // Per net 2*8+8 + 8*2+2 = 42; two nets, five couplings.
        Assert.Equal(5 * 2 * 42, Weights(spec));
    }

    [Fact]
    public void Dtu_digits_with_random_masks_draws_a_different_exact_half_per_coupling_from_the_seed()
    {
        var spec = SeedArchitectures.DtuDigitsRandomMasks();
        var masks = spec.Layers.Select(l => Assert.IsType<MaskedAffineCouplingSpec>(l).Mask).ToList();
        Assert.Equal(5, masks.Count);
        Assert.All(masks, m => Assert.Equal(392, m.Sum()));
        Assert.Equal(5, masks.Select(m => string.Concat(m)).Distinct().Count());
        Assert.Equal(masks, SeedArchitectures.DtuDigitsRandomMasks(hidden: 16).Layers.Select(l => ((MaskedAffineCouplingSpec)l).Mask));
        Assert.NotEqual(masks[0], ((MaskedAffineCouplingSpec)SeedArchitectures.DtuDigitsRandomMasks(seed: 1).Layers[0]).Mask);
        // Per net 784*256+256 + 256*784+784 = 200,960 + 201,488 = 402,448; two nets, five couplings.
        Assert.Equal(5 * 2 * 402_448, Weights(spec));
    }

    [Fact]
    public void Dtu_digits_with_chequerboards_alternates_the_flattened_pattern_starting_flipped()
    {
        var spec = SeedArchitectures.DtuDigitsChequerboard();
        var masks = spec.Layers.Select(l => Assert.IsType<MaskedAffineCouplingSpec>(l).Mask).ToList();
        Assert.Equal(5, masks.Count);
        // Coupling 0: pixel (0, 0) is transformed, its neighbours (0, 1) and (1, 0) pass; then the pattern flips.
        Assert.Equal((0, 1, 1, 0), (masks[0][0], masks[0][1], masks[0][28], masks[0][29]));
        for (int i = 1; i < 5; i++) Assert.Equal(Masks.Invert(masks[i - 1]), masks[i]);
        Assert.Equal(5 * 2 * 402_448, Weights(spec));
    }

    [Fact]
    public void Rosenbaum_is_four_bounded_split_couplings_of_five_linear_layers_each_with_a_learned_scale()
    {
        var spec = SeedArchitectures.RosenbaumDigits();
        Assert.Equal(Shape.Vector(784), Assert.IsType<StandardNormalSpec>(spec.Base).Shape);
        Assert.Equal(8, spec.Layers.Count);
        for (int i = 0; i < 8; i += 2)
        {
            Assert.True(Assert.IsType<ScaleSpec>(spec.Layers[i]).Learnable);
            var coupling = Assert.IsType<AffineCouplingSpec>(spec.Layers[i + 1]);
            Assert.Equal((ScaleBound.Tanh, 2.0), (coupling.Bound, coupling.Clamp));
            // Generative layer i + 1 is normalizing coupling k = 3 - i/2; coupling 0 (last here) transforms the second half.
            Assert.Equal((3 - i / 2) % 2 == 1, coupling.TransformFirstHalf);
        }
        Assert.Equal([[512, 392], [512], [512, 512], [512], [512, 512], [512], [512, 512], [512], [784, 512], [784]],
            WeightShapes(spec.Layers[1]));
        // Per coupling 392*512+512 + 3 (512*512+512) + 512*784+784 = 201,216 + 787,968 + 402,192 = 1,391,376; plus 784 scales.
        Assert.Equal(4 * (1_391_376 + 784), Weights(spec));
    }

    [Fact]
    public void RealNvp_multiscale_for_digits_has_the_papers_scales_and_ends_in_the_logit_layer()
    {
        var spec = SeedArchitectures.RealNvpMultiScaleDigits();
        // The base holds the 784 latent values in the squeezed shape the outermost factor-out starts from.
        Assert.Equal(Shape.Image(4, 14, 14), Assert.IsType<StandardNormalSpec>(spec.Base).Shape);
        Assert.Equal(Shape.Image(1, 28, 28), Assert.IsType<LogitTransformSpec>(spec.Layers[^1]).Shape);

        // Generative order of the first scale: factor-out (inner scales), 3 channel couplings, squeeze, 3 chequerboard couplings, logit.
        Assert.Equal(["FactorOutSpec", "MaskedAffineCouplingSpec", "MaskedAffineCouplingSpec", "MaskedAffineCouplingSpec", "SqueezeSpec",
                      "MaskedAffineCouplingSpec", "MaskedAffineCouplingSpec", "MaskedAffineCouplingSpec", "LogitTransformSpec"],
            spec.Layers.Select(l => l.GetType().Name));
        var couplings = Flatten(spec.Layers).OfType<MaskedAffineCouplingSpec>().ToList();
        Assert.Equal([Shape.Image(4, 14, 14), Shape.Image(4, 14, 14), Shape.Image(4, 14, 14), Shape.Image(1, 28, 28), Shape.Image(1, 28, 28), Shape.Image(1, 28, 28)],
            couplings.Skip(10).Select(c => c.Shape));
        Assert.Equal(3 + 3 + 3 + 3 + 4, couplings.Count);
        Assert.Equal(4, couplings.Count(c => c.Shape == Shape.Image(4, 7, 7)));
        // The first scale's chequerboards alternate in the normalizing order (last listed is applied first): parity 0, 1, 0.
        Assert.Equal(Masks.Chequerboard(Shape.Image(1, 28, 28), 0), couplings[^1].Mask);
        Assert.Equal(Masks.Chequerboard(Shape.Image(1, 28, 28), 1), couplings[^2].Mask);
        Assert.Equal(Masks.ChannelHalf(Shape.Image(4, 14, 14), firstHalfPasses: false), couplings[^5].Mask);

        // CNN 3x3 C->32, 1x1 32->32, 3x3 32->2C: 9*32C+32 + 1056 + 9*32*2C+2C. C=1: 1954, C=2: 2820, C=4: 4552, C=8: 8016.
        Assert.Equal(3 * 1954 + 3 * 4552 + 3 * 2820 + 3 * 8016 + 4 * 4552, Weights(spec));
        // 64 channels: 9*64C+64 + 4160 + 9*64*2C+2C. C=1: 5954, C=2: 7684, C=4: 11,144, C=8: 18,064.
        Assert.Equal(3 * 5954 + 3 * 11_144 + 3 * 7684 + 3 * 18_064 + 4 * 11_144, Weights(SeedArchitectures.RealNvpMultiScaleDigits(hidden: 64)));
    }

    [Fact]
    public void Glow_builds_for_28x28_digits_with_chosen_levels_steps_and_width_and_refuses_three_levels()
    {
        var spec = SeedArchitectures.GlowDigits();
        using (var flow = spec.Build()) Assert.Equal(Shape.Image(1, 28, 28), flow.DataShape);
        var couplings = Flatten(spec.Layers).OfType<AffineCouplingSpec>().ToList();
        Assert.Equal(2 * 4, couplings.Count);
        Assert.All(couplings, c => Assert.Equal(64, c.Net.Hidden));
        Assert.IsType<LogitTransformSpec>(spec.Layers[^1]);
        var error = Assert.Throws<ArgumentException>(() => SeedArchitectures.GlowDigits(levels: 3));
        Assert.Contains("divisible by 8", error.Message);
    }

    [Fact]
    public void The_catalog_offers_the_keras_coupling_and_realnvp_multiscale()
    {
        Assert.Same(SeedArchitectures.Keras, Catalog.Get("realnvp-keras"));
        Assert.Same(SeedArchitectures.MultiScale, Catalog.Get("realnvp-multiscale"));
        Assert.True(Catalog.Get("realnvp-multiscale").Supports(Shape.Image(1, 28, 28)));
        Assert.False(Catalog.Get("realnvp-keras").Supports(Shape.Image(1, 28, 28)));
    }

    // ---- behaviour of every seed ------------------------------------------------------------------------------

    [Theory, MemberData(nameof(IdentityWhenNew))]
    public void A_new_flow_is_the_identity_up_to_its_fixed_layers(string name)
    {
        using var flow = Seeds[name]().Build().To(CPU, ScalarType.Float64);
        using var scope = NewDisposeScope();
        var x = Data(flow.DataShape, 3, new Generator(7));
        using var _ = no_grad();
        var (z, logDet) = flow.Encode(x);
        if (!flow.DataShape.IsImage)
        {
            Numeric.AssertClose(x, z, 0, $"{name}: z of a new flow");
            Numeric.AssertClose(zeros(3, dtype: float64), logDet, 0, $"{name}: log-det of a new flow");
            return;
        }
        // Images: every coupling is the identity, so what is left is the logit and a permutation (squeezes, factor-outs).
        var logit = new LogitTransformSpec { Shape = flow.DataShape }.Build();
        var (expected, expectedLogDet) = logit.Inverse(x);
        Numeric.AssertClose(expected.flatten(1).sort(1).Values, z.flatten(1).sort(1).Values, 1e-12, $"{name}: z of a new flow, sorted");
        Numeric.AssertClose(expectedLogDet, logDet, 1e-9, $"{name}: log-det of a new flow");
    }

    [Theory, MemberData(nameof(SeedNames))]
    public void Samples_and_log_probs_are_finite_and_survive_a_model_file(string name)
    {
        using var flow = Seeds[name]().Build().To(CPU, ScalarType.Float64);
        var g = new Generator(11);
        using (no_grad())
            foreach (var p in flow.Module.parameters())
                p.add_(randn(p.shape, dtype: p.dtype, generator: g) * 0.02);
        // Data-dependent initialisation (Glow's ActNorm) sees data once, then evaluation mode.
        using (no_grad()) using (var warm = NewDisposeScope()) flow.LogProb(Data(flow.DataShape, 8, g));
        flow.Train(false);

        using var scope = NewDisposeScope();
        var x = flow.Sample(4, seed: 3);
        Numeric.AssertFinite(x, $"{name}: samples");
        var logProb = flow.LogProb(x);
        Numeric.AssertFinite(logProb, $"{name}: log p of samples");
        Numeric.AssertFinite(flow.LogProb(Data(flow.DataShape, 4, g)), $"{name}: log p of data");
        Numeric.AssertClose(x, flow.Decode(flow.Encode(x).z).x, 1e-8, $"{name}: Decode(Encode(x))");

        string path = Path.Combine(Path.GetTempPath(), $"flowlive-seed-{Guid.NewGuid():N}.flow");
        try
        {
            ModelFile.Save(path, new ModelSpec { Name = name, Flow = flow.Spec }, flow);
            using var loaded = ModelFile.Load(path);
            Assert.Equal(SpecJson.Serialize(flow.Spec), SpecJson.Serialize(loaded.Flow.Spec));
            Numeric.AssertBitIdentical(logProb, loaded.Flow.LogProb(x), $"{name}: log p after a model file round trip");
        }
        finally { File.Delete(path); }
    }
}
