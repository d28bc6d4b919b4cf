using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("invertible_conv_1x1")]
public sealed record InvertibleConv1x1Spec : LayerSpec
{
    /// <summary>P in W = P L U over channels: row i of W is row Permutation[i] of L U. Saved, never re-drawn.</summary>
    public required int[] Permutation { get; init; }

    /// <summary>Seed of the random rotation the weights start from; Build draws it again, trained weights replace it.</summary>
    public required int Seed { get; init; }

    public override FlowLayer Build() => new InvertibleConv1x1(this);

    /// <summary>Glow's initialisation: a random rotation of the channels drawn from <paramref name="seed"/>, P its LU pivots.</summary>
    public static InvertibleConv1x1Spec Random(Shape shape, int seed) =>
        new() { Shape = shape, Permutation = LuMatrix.PivotsOf(checked((int)shape[0]), seed), Seed = seed };
}

/// <summary>
/// Glow's invertible 1x1 convolution: every pixel's channel vector is mapped by the same C x C matrix,
/// x[:, h, w] = W z[:, h, w] with W = P L (U + diag(sign * exp(log_s))), so log|det dx/dz| = H W sum(log_s)
/// (Kingma and Dhariwal 2018, section 3.2, LU-decomposed form). A learned generalisation of channel permutations;
/// starts as a random rotation (log-det 0).
/// </summary>
public sealed class InvertibleConv1x1 : FlowLayer<InvertibleConv1x1Spec>
{
    readonly LuMatrix lu;

    public InvertibleConv1x1(InvertibleConv1x1Spec spec) : base(spec)
    {
        if (!spec.Shape.IsImage)
            throw new FlowShapeException($"InvertibleConv1x1: expected an image shape [C, H, W], got {spec.Shape} (use InvertibleLinear for vectors)");
        if (spec.Permutation.Length != spec.Shape[0])
            throw new ArgumentException($"InvertibleConv1x1.Permutation has {spec.Permutation.Length} entries, expected {spec.Shape[0]} (the channels of {spec.Shape})");
        lu = new LuMatrix(spec.Permutation, spec.Seed, nameof(InvertibleConv1x1));
        RegisterComponents();
    }

    /// <summary>The current channel-mixing matrix W ([C, C]).</summary>
    public Tensor Weight()
    {
        using var scope = NewDisposeScope();
        return lu.Weight().MoveToOuterDisposeScope();
    }

    long Pixels => TypedSpec.Shape[1] * TypedSpec.Shape[2];

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z) =>
        (FromPixels(lu.Apply(ToPixels(z)), z.shape[0]), (lu.LogAbsDet() * Pixels).expand(z.shape[0]));

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x) =>
        (FromPixels(lu.Solve(ToPixels(x)), x.shape[0]), (lu.LogAbsDet() * -Pixels).expand(x.shape[0]));

    /// <summary>[batch, C, H, W] to one row of channels per pixel, [batch H W, C].</summary>
    static Tensor ToPixels(Tensor t) => t.permute(0, 2, 3, 1).reshape(-1, t.shape[1]);

    Tensor FromPixels(Tensor rows, long batch)
    {
        var s = TypedSpec.Shape;
        return rows.reshape(batch, s[1], s[2], s[0]).permute(0, 3, 1, 2);
    }
}
