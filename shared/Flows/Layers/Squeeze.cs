using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("squeeze")]
public sealed record SqueezeSpec : LayerSpec
{
    public override FlowLayer Build() => new Squeeze(this);

    /// <summary>The squeeze of images of shape <paramref name="data"/> [C, H, W]; H and W must be even.</summary>
    public static SqueezeSpec ForData(Shape data)
    {
        if (!data.IsImage || data[1] % 2 != 0 || data[2] % 2 != 0)
            throw new FlowShapeException($"Squeeze: expected data of shape [C, H, W] with even H and W, got {data}");
        return new() { Shape = Shape.Image(4 * data[0], data[1] / 2, data[2] / 2) };
    }
}

/// <summary>
/// The squeezing operation of RealNVP (Dinh et al. 2016, section 3.6): each 2 x 2 block of pixels becomes 4
/// channels, trading space for channels so that couplings and 1x1 convolutions can mix neighbouring pixels.
/// Normalizing (<see cref="FlowLayer.Inverse"/>): [C, H, W] to [4C, H/2, W/2] with
/// z[4c + 2 dy + dx, i, j] = x[c, 2i + dy, 2j + dx] (Glow's channel order); <see cref="FlowLayer.Forward"/> undoes it.
/// A permutation of the values, so log|det| = 0.
/// </summary>
public sealed class Squeeze : FlowLayer<SqueezeSpec>
{
    public Squeeze(SqueezeSpec spec) : base(spec)
    {
        var s = spec.Shape;
        if (!s.IsImage || s[0] % 4 != 0)
            throw new FlowShapeException($"Squeeze: expected a base-side shape [4C, H/2, W/2] with channels divisible by 4, got {s}");
        DataShape = Shape.Image(s[0] / 4, 2 * s[1], 2 * s[2]);
    }

    public override Shape DataShape { get; }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        long c = DataShape[0], h = LatentShape[1], w = LatentShape[2];
        var x = z.reshape(z.shape[0], c, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3).reshape(DataShape.WithBatch(z.shape[0]));
        return (x, ZeroLogDet(z));
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        long c = DataShape[0], h = LatentShape[1], w = LatentShape[2];
        var z = x.reshape(x.shape[0], c, h, 2, w, 2).permute(0, 1, 3, 5, 2, 4).reshape(LatentShape.WithBatch(x.shape[0]));
        return (z, ZeroLogDet(x));
    }
}
