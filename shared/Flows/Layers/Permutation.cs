using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("permutation")]
public sealed record PermutationSpec : LayerSpec
{
    /// <summary>x[i] = z[Order[i]], over features (vectors) or channels (images). Saved, never re-drawn.</summary>
    public required int[] Order { get; init; }
    public override FlowLayer Build() => new Permutation(this);

    /// <summary>Reverses the features (RealNVP alternates the half a coupling layer changes this way).</summary>
    public static PermutationSpec Reverse(Shape shape) =>
        new() { Shape = shape, Order = Enumerable.Range(0, Features(shape)).Reverse().ToArray() };

    /// <summary>Swaps the first and second halves (odd sizes: the middle feature moves to the front of the second half).</summary>
    public static PermutationSpec SwapHalves(Shape shape)
    {
        int n = Features(shape), half = n / 2;
        return new() { Shape = shape, Order = Enumerable.Range(half, n - half).Concat(Enumerable.Range(0, half)).ToArray() };
    }

    /// <summary>A fixed random permutation drawn once from <paramref name="seed"/> and stored in the spec.</summary>
    public static PermutationSpec Random(Shape shape, int seed)
    {
        var order = Enumerable.Range(0, Features(shape)).ToArray();
        new System.Random(seed).Shuffle(order);
        return new() { Shape = shape, Order = order };
    }

    internal static int Features(Shape shape) => (int)shape[0];
}

/// <summary>
/// Fixed permutation of features (vectors) or channels (images): x = P z, |det P| = 1 so log|det| = 0.
/// Between coupling layers it lets every dimension be transformed (Dinh et al. 2016; Kingma and Dhariwal 2018).
/// </summary>
public sealed class Permutation : FlowLayer<PermutationSpec>
{
    readonly Tensor order;
    readonly Tensor inverseOrder;

    public Permutation(PermutationSpec spec) : base(spec)
    {
        int n = PermutationSpec.Features(spec.Shape);
        if (spec.Order.Length != n || spec.Order.OrderBy(i => i).Where((v, i) => v != i).Any())
            throw new ArgumentException($"Permutation.Order must be a permutation of 0..{n - 1} (the first dimension of {spec.Shape})");
        var inverse = new long[n];
        for (int i = 0; i < n; i++) inverse[spec.Order[i]] = i;
        order = tensor(spec.Order.Select(i => (long)i).ToArray());
        inverseOrder = tensor(inverse);
        RegisterComponents();
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z) => (z.index_select(1, order), ZeroLogDet(z));
    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x) => (x.index_select(1, inverseOrder), ZeroLogDet(x));
}
