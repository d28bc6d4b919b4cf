using FlowLive.Flows.Bases;

namespace FlowLive.Flows.Architectures;

/// <summary>A named recipe for a whole flow: lectures and the CLI pick flows by these names.</summary>
public sealed record Architecture(
    string Name,
    string Description,
    Func<Shape, bool> Supports,
    Func<Shape, ArchitectureOptions, IEnumerable<LayerSpec>> Layers,
    bool ReverseKlOnly = false)
{
    // ReverseKlOnly: built from layers without an inverse (planar, radial), so it cannot evaluate the density of
    // data and is fitted to a target density by reverse KL instead of to data by maximum likelihood.

    /// <summary>The full spec for data of <paramref name="data"/>'s shape; the base has the shape the layers start from.</summary>
    public FlowSpec Create(Shape data, ArchitectureOptions options)
    {
        if (!Supports(data)) throw new ArgumentException($"the {Name} architecture does not take data of shape {data}");
        if (options.Steps < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Steps, "an architecture needs at least 1 step");
        var layers = Layers(data, options).ToList();
        var latent = layers.Count == 0 ? data : layers[0].Shape;
        BaseSpec @base = options.Base switch
        {
            BaseChoice.Normal => new StandardNormalSpec { Shape = latent },
            BaseChoice.Bimodal => GaussianMixtureSpec.Bimodal(latent),
            BaseChoice.Learnable => new DiagonalGaussianSpec { Shape = latent },
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Base, null),
        };
        return new FlowSpec { Base = @base, Layers = layers };
    }
}
