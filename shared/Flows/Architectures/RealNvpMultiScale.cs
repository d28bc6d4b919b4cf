using FlowLive.Flows.Layers;

namespace FlowLive.Flows.Architectures;

/// <summary>
/// RealNVP's multi-scale architecture for images (Dinh et al. 2016, section 3.6), in generative order. Normalizing,
/// each scale applies 3 affine couplings with alternating chequerboard masks, squeezes, applies 3 couplings with
/// alternating channel masks and factors out half of the channels; the last scale applies 4 chequerboard couplings.
/// Options.Levels counts the squeezes (as for <see cref="Glow"/>), so there are Levels + 1 scales and height and
/// width must divide by 2^Levels: 1x28x28 digits with Levels 2 go 28x28, 14x14, 7x7. As in Glow, a logit layer in
/// front maps dequantized pixels in [0, 1] to the real line, so densities stay in pixel space (bits/dim).
/// The coupling nets are <see cref="Nets.Subnet"/> CNNs of Options.Net; the paper's residual nets, batch
/// normalisation and weight normalisation are left out.
/// </summary>
static class RealNvpMultiScale
{
    /// <summary>Couplings of one scale before the squeeze, and of the last scale (section 3.6).</summary>
    public const int ChequerboardCouplings = 3, ChannelCouplings = 3, LastScaleCouplings = 4;

    public static bool Supports(Shape data) => data.IsImage && data[1] % 2 == 0 && data[2] % 2 == 0;

    public static IEnumerable<LayerSpec> Layers(Shape data, ArchitectureOptions options)
    {
        if (options.Levels < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Levels, "RealNVP multi-scale needs at least 1 level (squeeze)");
        long divisor = 1L << options.Levels;
        if (data[1] % divisor != 0 || data[2] % divisor != 0)
            throw new ArgumentException($"RealNVP multi-scale with {options.Levels} levels needs height and width divisible by {divisor}; data shape is {data}");
        return [.. Scale(data, options, level: 0), new LogitTransformSpec { Shape = data }];
    }

    /// <summary>The generative-order layers of one scale whose data side has shape <paramref name="data"/>.</summary>
    static List<LayerSpec> Scale(Shape data, ArchitectureOptions options, int level)
    {
        if (level == options.Levels)
            return Couplings(data, LastScaleCouplings, step => Masks.Chequerboard(data, parity: step % 2), options);

        var squeezed = SqueezeSpec.ForData(data);
        var shape = squeezed.Shape;
        var kept = Shape.Image(shape[0] - shape[0] / 2, shape[1], shape[2]);
        return
        [
            new FactorOutSpec { Shape = shape, Inner = Scale(kept, options, level + 1) },
            .. Couplings(shape, ChannelCouplings, step => Masks.ChannelHalf(shape, firstHalfPasses: step % 2 == 0), options),
            squeezed,
            .. Couplings(data, ChequerboardCouplings, step => Masks.Chequerboard(data, parity: step % 2), options),
        ];
    }

    /// <summary>
    /// <paramref name="count"/> couplings whose masks alternate in the normalizing order of the paper (step 0 is
    /// applied to the data first), listed in generative order.
    /// </summary>
    static List<LayerSpec> Couplings(Shape shape, int count, Func<int, int[]> maskOfStep, ArchitectureOptions options) =>
        Enumerable.Range(0, count).Reverse()
            .Select(step => (LayerSpec)new MaskedAffineCouplingSpec { Shape = shape, Mask = maskOfStep(step), Net = options.Net })
            .ToList();
}
