using FlowLive.Flows.Nets;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("additive_coupling")]
public sealed record AdditiveCouplingSpec : LayerSpec
{
    /// <summary>One 0/1 per element (row-major), 1 = passes through and conditions; see <see cref="Masks"/>. Saved, never re-drawn.</summary>
    public required int[] Mask { get; init; }
    /// <summary>The conditioner computing the shift t (full size) from b * z.</summary>
    public SubnetSpec Net { get; init; } = new();

    public override FlowLayer Build() => new AdditiveCoupling(this);

    /// <summary>NICE's stack: <paramref name="count"/> couplings alternating <paramref name="mask"/> and its inverse.</summary>
    public static IReadOnlyList<AdditiveCouplingSpec> Alternating(Shape shape, int[] mask, int count, SubnetSpec? net = null) =>
        Enumerable.Range(0, count)
            .Select(i => new AdditiveCouplingSpec { Shape = shape, Mask = i % 2 == 0 ? mask : Masks.Invert(mask), Net = net ?? new() })
            .ToList();

    /// <summary><paramref name="count"/> couplings, each with its own random half mask drawn from seed + i.</summary>
    public static IReadOnlyList<AdditiveCouplingSpec> RandomMasks(Shape shape, int count, int seed, SubnetSpec? net = null) =>
        Enumerable.Range(0, count)
            .Select(i => new AdditiveCouplingSpec { Shape = shape, Mask = Masks.Random(shape, seed + i), Net = net ?? new() })
            .ToList();
}

/// <summary>
/// Additive coupling (NICE, Dinh et al. 2014, section 3.2): x = b * z + (1 - b) * (z + t(b * z)), log|det| = 0.
/// Volume preserving: the Jacobian is unit triangular up to a permutation, so on its own a stack of these cannot
/// change density scales; NICE ends with a learned per-dimension scale exp(s) (section 3.3), which is
/// <see cref="Scale"/> with Learnable = true. Masks as in <see cref="MaskedAffineCoupling"/>; the conditioner's last
/// layer starts at zero, so a new layer is the identity.
/// </summary>
public sealed class AdditiveCoupling : FlowLayer<AdditiveCouplingSpec>
{
    readonly Tensor mask;
    readonly nn.Module<Tensor, Tensor> net;

    public AdditiveCoupling(AdditiveCouplingSpec spec) : base(spec)
    {
        var shape = spec.Shape;
        if (!(shape.IsVector || shape.IsImage))
            throw new FlowShapeException($"AdditiveCoupling: expected a vector [D] or an image [C, H, W], got {shape}");
        Masks.Check(spec.Mask, shape, "AdditiveCoupling.Mask");
        mask = Masks.ToTensor(spec.Mask, shape);
        net = Subnet.Create(spec.Net, shape, shape);
        RegisterComponents();
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z) => (z + Shift(z * mask), ZeroLogDet(z));
    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x) => (x - Shift(x * mask), ZeroLogDet(x));

    /// <summary>t, zero where b = 1 so those entries pass exactly.</summary>
    Tensor Shift(Tensor passing) => net.forward(passing) * (1 - mask);
}
