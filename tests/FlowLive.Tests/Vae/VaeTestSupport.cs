using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Flows.Nets;
using FlowLive.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Vae;

/// <summary>Small VAEs and data for fast tests: 16 or 4 pixels, M = 2, narrow MLPs.</summary>
static class VaeTestSupport
{
    public static readonly string[] PriorNames = ["gaussian", "mog", "flow"];

    public static FlowSpec Prior(string name, int latent, Generator generator) => name switch
    {
        "gaussian" => LatentPriors.Gaussian(latent),
        "mog" => LatentPriors.MixtureOfGaussians(latent, components: 3, generator),
        "flow" => LatentPriors.Flow(latent, "realnvp", new ArchitectureOptions { Steps = 2, Net = new SubnetSpec { Hidden = 8, Depth = 1 } }),
        _ => throw new ArgumentException(name),
    };

    public static VaeSpec Spec(string prior, int data = 16, int latent = 2, int hidden = 16, long seed = 100)
    {
        using var generator = new Generator((ulong)seed);
        return new VaeSpec { DataDimension = data, LatentDimension = latent, Hidden = hidden, HiddenLayers = 1, Prior = Prior(prior, latent, generator) };
    }

    public static BernoulliVae Create(string prior, long seed = 1, int data = 16, int latent = 2, int hidden = 16)
    {
        using var generator = new Generator((ulong)seed);
        return BernoulliVae.Create(Spec(prior, data, latent, hidden), generator);
    }

    /// <summary>
    /// Binary images with structure a VAE can learn: each of <paramref name="count"/> rows is one of two prototypes
    /// (left half on, or right half on) with 5% of its pixels flipped.
    /// </summary>
    public static Tensor TwoPrototypes(long count, int pixels, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var which = rand([count, 1], generator: generator).lt(0.5);
        var left = arange(pixels).lt(pixels / 2).unsqueeze(0);
        var clean = which.logical_xor(left).to(float32);
        var flips = rand([count, pixels], generator: generator).lt(0.05).to(float32);
        return (clean + flips - 2 * clean * flips).MoveToOuterDisposeScope();
    }

    /// <summary>Sets every parameter of <paramref name="module"/> (zero-started ones too) to N(0, scale^2) draws, so nothing is an identity.</summary>
    public static void Perturb(nn.Module module, long seed, double scale = 0.3)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator((ulong)seed);
        foreach (var p in module.parameters())
            p.copy_((randn(p.shape, dtype: float64, generator: generator) * scale).to(p.dtype));
    }

    /// <summary>Adam on the mean loss for <paramref name="steps"/> steps over <paramref name="data"/>.</summary>
    public static void Fit(IEnumerable<TorchSharp.Modules.Parameter> parameters, Func<Tensor, Generator, Tensor> loss, Tensor data,
        int steps, double learningRate, long seed)
    {
        using var optimizer = optim.Adam(parameters, learningRate);
        using var generator = new Generator((ulong)seed);
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var value = loss(data, generator).mean();
            value.backward();
            optimizer.step();
        }
    }

    /// <summary>A square grid of points on [-extent, extent]^2 and the area of each cell.</summary>
    public static (Tensor points, double cell) Grid(double extent, int perAxis, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        double step = 2 * extent / perAxis;
        var axis = linspace(-extent + step / 2, extent - step / 2, perAxis, dtype: float64);
        var grids = meshgrid([axis, axis], indexing: "ij");
        var points = stack([grids[0].flatten(), grids[1].flatten()], 1).to(dtype);
        return (points.MoveToOuterDisposeScope(), step * step);
    }
}
