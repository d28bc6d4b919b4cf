using FlowLive.Flows.Layers;

namespace FlowLive.Flows.Architectures;

/// <summary>
/// Glow's multi-scale architecture for images (Kingma and Dhariwal 2018, figure 2), in generative order.
/// Normalizing, each level squeezes, runs K steps of flow (ActNorm, invertible 1x1 convolution, affine coupling on
/// channel halves) and, except at the last level, factors out half of the channels. A logit layer in front maps
/// dequantized pixels in [0, 1) to the real line, so densities are in pixel space (bits/dim).
/// </summary>
static class Glow
{
    public static bool Supports(Shape data) => data.IsImage && data[1] % 2 == 0 && data[2] % 2 == 0;

    public static IEnumerable<LayerSpec> Layers(Shape data, ArchitectureOptions options)
    {
        if (options.Levels < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Levels, "Glow needs at least 1 level");
        long divisor = 1L << options.Levels;
        if (data[1] % divisor != 0 || data[2] % divisor != 0)
            throw new ArgumentException($"Glow with {options.Levels} levels needs height and width divisible by {divisor}; data shape is {data}");
        return [.. Level(data, options, level: 0), new LogitTransformSpec { Shape = data }];
    }

    /// <summary>The generative-order layers of one level whose data side has shape <paramref name="data"/>.</summary>
    static List<LayerSpec> Level(Shape data, ArchitectureOptions options, int level)
    {
        var squeezed = SqueezeSpec.ForData(data);
        var shape = squeezed.Shape;
        var layers = new List<LayerSpec>();
        if (level + 1 < options.Levels)
        {
            var half = Shape.Image(shape[0] - shape[0] / 2, shape[1], shape[2]);
            layers.Add(new FactorOutSpec { Shape = shape, Inner = Level(half, options, level + 1) });
        }
        for (int step = options.Steps - 1; step >= 0; step--)
        {
            int seed = options.Seed + 1000 * level + step;
            layers.Add(new AffineCouplingSpec { Shape = shape, Net = options.Net, TransformFirstHalf = step % 2 == 1 });
            layers.Add(InvertibleConv1x1Spec.Random(shape, seed));
            layers.Add(new ActNormSpec { Shape = shape });
        }
        layers.Add(squeezed);
        return layers;
    }
}
