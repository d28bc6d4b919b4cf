using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Flows.Bases;
using static TorchSharp.torch;

namespace FlowLive.Vae;

/// <summary>
/// The three priors of the exercise, each as a <see cref="FlowSpec"/> over the M-D latent space:
/// p(z) = N(0, I); a mixture of K diagonal Gaussians with learnable means, scales and weights; and a normalizing flow.
/// </summary>
public static class LatentPriors
{
    /// <summary>N(0, I) on R^M: a flow with no layers over a standard normal base. Its KL to a Gaussian q has a closed form.</summary>
    public static FlowSpec Gaussian(int latentDimension) =>
        new() { Base = new StandardNormalSpec { Shape = LatentShape(latentDimension) }, Layers = [] };

    /// <summary>
    /// p(z) = sum_k w_k N(z; mu_k, diag(sigma_k^2)) with every mu, sigma and w learnable (FlowLive's
    /// <see cref="GaussianMixture"/> base with no layers). Initial means are drawn N(0, 1) from
    /// <paramref name="generator"/>, scales start at 1 and weights uniform. The spec keeps these initial values (it
    /// builds the mixture); trained ones live in the weights, which a VAE file saves beside it. The exercise code
    /// leaves K to the student; 10 (one per digit class) is the usual choice.
    /// </summary>
    public static FlowSpec MixtureOfGaussians(int latentDimension, int components, Generator generator)
    {
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "a mixture needs at least 1 component");
        var shape = LatentShape(latentDimension);
        using var means = randn([components, latentDimension], dtype: float64, generator: generator);
        var values = means.data<double>().ToArray();
        var rows = Enumerable.Range(0, components).Select(k => values[(k * latentDimension)..((k + 1) * latentDimension)]).ToArray();
        return new() { Base = new GaussianMixtureSpec { Shape = shape, Means = rows, Learnable = true }, Layers = [] };
    }

    /// <summary>
    /// A flow prior from one of FlowLive's vector architectures, e.g. "realnvp" (log p(z) from Flow.LogProb, samples
    /// from Flow.Sample). <paramref name="options"/> defaults to 4 steps with 64-wide conditioners (FlowLive's choice:
    /// the exercise code has no flow prior to copy).
    /// </summary>
    public static FlowSpec Flow(int latentDimension, string architecture = "realnvp", ArchitectureOptions? options = null)
    {
        var arch = Catalog.Get(architecture);
        if (arch.ReverseKlOnly)
            throw new ArgumentException($"the {architecture} architecture has no inverse, so it cannot give log p(z) for a prior", nameof(architecture));
        options ??= new ArchitectureOptions { Steps = 4, Net = new Flows.Nets.SubnetSpec { Hidden = 64, Depth = 2 } };
        return arch.Create(LatentShape(latentDimension), options);
    }

    /// <summary>True for N(0, I) with no layers: KL(q || p) then has the closed form the exercise uses.</summary>
    public static bool IsStandardGaussian(Flow prior) => prior.LayerCount == 0 && prior.Base is StandardNormal;

    /// <summary>"gaussian", "mog" (K components) or "flow" (with its layer count), for names and messages.</summary>
    public static string Describe(FlowSpec prior) => prior switch
    {
        { Layers.Count: 0, Base: StandardNormalSpec } => "gaussian",
        { Layers.Count: 0, Base: GaussianMixtureSpec mixture } => $"mog{mixture.Means.Length}",
        _ => $"flow{prior.Layers.Count}",
    };

    static Shape LatentShape(int latentDimension)
    {
        if (latentDimension < 1) throw new ArgumentOutOfRangeException(nameof(latentDimension), latentDimension, "the latent dimension must be positive");
        return Shape.Vector(latentDimension);
    }
}
