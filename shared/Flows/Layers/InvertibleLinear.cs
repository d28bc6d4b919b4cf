using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("invertible_linear")]
public sealed record InvertibleLinearSpec : LayerSpec
{
    /// <summary>P in W = P L U: row i of W is row Permutation[i] of L U. Saved, never re-drawn.</summary>
    public required int[] Permutation { get; init; }

    /// <summary>Seed of the random rotation the weights start from; Build draws it again, trained weights replace it.</summary>
    public required int Seed { get; init; }

    public override FlowLayer Build() => new InvertibleLinear(this);

    /// <summary>Glow's initialisation: a random rotation drawn from <paramref name="seed"/>, P its LU pivots.</summary>
    public static InvertibleLinearSpec Random(Shape shape, int seed) =>
        new() { Shape = shape, Permutation = LuMatrix.PivotsOf(checked((int)shape[0]), seed), Seed = seed };
}

/// <summary>
/// Learned invertible linear map of vectors, x = W z with W = P L (U + diag(sign * exp(log_s))):
/// log|det dx/dz| = sum(log_s). The vector form of Glow's invertible 1x1 convolution with its LU parameterisation
/// (Kingma and Dhariwal 2018, section 3.2); it generalises the fixed permutations between coupling layers.
/// Starts as a random rotation (log-det 0).
/// </summary>
public sealed class InvertibleLinear : FlowLayer<InvertibleLinearSpec>
{
    readonly LuMatrix lu;

    public InvertibleLinear(InvertibleLinearSpec spec) : base(spec)
    {
        if (!spec.Shape.IsVector)
            throw new FlowShapeException($"InvertibleLinear: expected a vector shape [D], got {spec.Shape} (use InvertibleConv1x1 for images)");
        if (spec.Permutation.Length != spec.Shape[0])
            throw new ArgumentException($"InvertibleLinear.Permutation has {spec.Permutation.Length} entries, expected {spec.Shape[0]} for shape {spec.Shape}");
        lu = new LuMatrix(spec.Permutation, spec.Seed, nameof(InvertibleLinear));
        RegisterComponents();
    }

    /// <summary>The current matrix W ([D, D]).</summary>
    public Tensor Weight()
    {
        using var scope = NewDisposeScope();
        return lu.Weight().MoveToOuterDisposeScope();
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z) =>
        (lu.Apply(z), lu.LogAbsDet().expand(z.shape[0]));

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x) =>
        (lu.Solve(x), (-lu.LogAbsDet()).expand(x.shape[0]));
}
