using FlowLive.Flows.Nets;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("affine_coupling")]
public sealed record AffineCouplingSpec : LayerSpec
{
    /// <summary>The conditioner computing s and t from the conditioning half.</summary>
    public SubnetSpec Net { get; init; } = new();
    public ScaleBound Bound { get; init; } = ScaleBound.Tanh;
    /// <summary>Log-scales stay within (-Clamp, Clamp) unless Bound is None.</summary>
    public double Clamp { get; init; } = 2.0;
    /// <summary>
    /// False: the first floor(n/2) features (channels) condition and the rest is transformed. True: the roles swap,
    /// so a layer of each kind transforms every feature once.
    /// </summary>
    public bool TransformFirstHalf { get; init; }

    public override FlowLayer Build() => new AffineCoupling(this);

    /// <summary>RealNVP's stack: <paramref name="count"/> couplings that alternate the transformed half, starting with the second.</summary>
    public static IReadOnlyList<AffineCouplingSpec> Alternating(Shape shape, int count, SubnetSpec? net = null) =>
        Enumerable.Range(0, count)
            .Select(i => new AffineCouplingSpec { Shape = shape, Net = net ?? new(), TransformFirstHalf = i % 2 == 1 })
            .ToList();
}

/// <summary>
/// Affine coupling on split halves (RealNVP, Dinh et al. 2016, section 3.2, eq. 4; the Radboud-style split form):
/// z = (z1, z2), x1 = z1, x2 = z2 * exp(s(z1)) + t(z1), log|det dx/dz| = sum s(z1). The Jacobian is triangular, so
/// neither the determinant nor the inverse z2 = (x2 - t(x1)) * exp(-s(x1)) needs s or t to be invertible.
/// Vectors [D] split features, images [C, H, W] split channels; z1 is the first floor(n/2), unless TransformFirstHalf.
/// s is bounded by <see cref="ScaleBound"/> so exp(s) cannot explode; the conditioner's last layer starts at zero, so
/// a new layer is the identity. For other splits (chequerboard, random) use <see cref="MaskedAffineCoupling"/>.
/// </summary>
public sealed class AffineCoupling : FlowLayer<AffineCouplingSpec>
{
    readonly nn.Module<Tensor, Tensor> net;
    readonly HalfSplit halves;

    public AffineCoupling(AffineCouplingSpec spec) : base(spec)
    {
        var shape = spec.Shape;
        if (!(shape.IsVector || shape.IsImage) || shape[0] < 2)
            throw new FlowShapeException(
                $"AffineCoupling: expected a vector [D] with D >= 2 or an image [C, H, W] with C >= 2, got {shape}");
        if (spec.Bound != ScaleBound.None && !(spec.Clamp > 0 && double.IsFinite(spec.Clamp)))
            throw new ArgumentException($"AffineCoupling.Clamp must be positive and finite, got {spec.Clamp}");
        halves = new HalfSplit(shape, spec.TransformFirstHalf);
        net = Subnet.Create(spec.Net, halves.ConditionShape, halves.TransformedShape(perElement: 2));
        RegisterComponents();
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        var (condition, changed) = halves.Split(z);
        var (s, t) = ScaleAndShift(condition);
        return (halves.Join(condition, changed * s.exp() + t), SumPerSample(s));
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        var (condition, changed) = halves.Split(x);
        var (s, t) = ScaleAndShift(condition);
        return (halves.Join(condition, (changed - t) * (-s).exp()), -SumPerSample(s));
    }

    (Tensor s, Tensor t) ScaleAndShift(Tensor condition)
    {
        var st = net.forward(condition).chunk(2, 1);
        return (TypedSpec.Bound.Apply(st[0], TypedSpec.Clamp), st[1]);
    }
}
