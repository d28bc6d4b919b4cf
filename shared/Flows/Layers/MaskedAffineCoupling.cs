using System.Text.Json.Serialization;
using FlowLive.Flows.Nets;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("masked_affine_coupling")]
public sealed record MaskedAffineCouplingSpec : LayerSpec
{
    /// <summary>One 0/1 per element (row-major), 1 = passes through and conditions; see <see cref="Masks"/>. Saved, never re-drawn.</summary>
    public required int[] Mask { get; init; }
    /// <summary>The conditioner computing s and t (full size) from b * z; with <see cref="SeparateNets"/>, the shape of each of the two nets.</summary>
    public SubnetSpec Net { get; init; } = new();
    /// <summary>
    /// False (default): one net gives s and t together. True: a scale net gives s and a separate shift net gives t,
    /// both shaped by <see cref="Net"/>, as in the keras.io Real NVP example and the DTU 02460 flow exercises.
    /// Written to model files only when true, so specs saved before this option existed read and write unchanged.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool SeparateNets { get; init; }
    public ScaleBound Bound { get; init; } = ScaleBound.Tanh;
    /// <summary>Log-scales stay within (-Clamp, Clamp) unless Bound is None.</summary>
    public double Clamp { get; init; } = 2.0;

    public override FlowLayer Build() => new MaskedAffineCoupling(this);

    /// <summary>RealNVP's stack: <paramref name="count"/> couplings alternating <paramref name="mask"/> and its inverse.</summary>
    public static IReadOnlyList<MaskedAffineCouplingSpec> Alternating(Shape shape, int[] mask, int count, SubnetSpec? net = null) =>
        Enumerable.Range(0, count)
            .Select(i => new MaskedAffineCouplingSpec { Shape = shape, Mask = i % 2 == 0 ? mask : Masks.Invert(mask), Net = net ?? new() })
            .ToList();

    /// <summary><paramref name="count"/> couplings, each with its own random half mask drawn from seed + i.</summary>
    public static IReadOnlyList<MaskedAffineCouplingSpec> RandomMasks(Shape shape, int count, int seed, SubnetSpec? net = null) =>
        Enumerable.Range(0, count)
            .Select(i => new MaskedAffineCouplingSpec { Shape = shape, Mask = Masks.Random(shape, seed + i), Net = net ?? new() })
            .ToList();
}

/// <summary>
/// Affine coupling with any binary mask b (RealNVP, Dinh et al. 2016, section 3.4, eq. 9):
/// x = b * z + (1 - b) * (z * exp(s(b * z)) + t(b * z)), log|det dx/dz| = sum((1 - b) * s(b * z)).
/// Where b = 1 the input passes unchanged and is all the conditioner sees, so the Jacobian is triangular up to a
/// permutation. Masks: chequerboard and channel halves for images, halves, alternating or random for vectors
/// (<see cref="Masks"/>). s is bounded by <see cref="ScaleBound"/> (Tanh with Clamp 1 is s = tanh(raw), a scale net
/// ending in tanh); s and t come from one net, or from two with SeparateNets. The conditioners' last layers start at
/// zero, so a new layer is the identity.
/// </summary>
public sealed class MaskedAffineCoupling : FlowLayer<MaskedAffineCouplingSpec>
{
    readonly Tensor mask;
    // Field names are the weights' names in model files: "net" for one joint net, "scaleNet" and "shiftNet" for two.
    readonly nn.Module<Tensor, Tensor>? net;
    readonly nn.Module<Tensor, Tensor>? scaleNet;
    readonly nn.Module<Tensor, Tensor>? shiftNet;

    public MaskedAffineCoupling(MaskedAffineCouplingSpec spec) : base(spec)
    {
        var shape = spec.Shape;
        if (!(shape.IsVector || shape.IsImage))
            throw new FlowShapeException($"MaskedAffineCoupling: expected a vector [D] or an image [C, H, W], got {shape}");
        Masks.Check(spec.Mask, shape, "MaskedAffineCoupling.Mask");
        if (spec.Bound != ScaleBound.None && !(spec.Clamp > 0 && double.IsFinite(spec.Clamp)))
            throw new ArgumentException($"MaskedAffineCoupling.Clamp must be positive and finite, got {spec.Clamp}");
        mask = Masks.ToTensor(spec.Mask, shape);
        if (spec.SeparateNets)
        {
            scaleNet = Subnet.Create(spec.Net, shape, shape);
            shiftNet = Subnet.Create(spec.Net, shape, shape);
        }
        else
        {
            var doubled = shape.IsVector ? Shape.Vector(2 * shape[0]) : Shape.Image(2 * shape[0], shape[1], shape[2]);
            net = Subnet.Create(spec.Net, shape, doubled);
        }
        RegisterComponents();
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        var (s, t) = ScaleAndShift(z * mask);
        return (z * s.exp() + t, SumPerSample(s));
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        var (s, t) = ScaleAndShift(x * mask);
        return ((x - t) * (-s).exp(), -SumPerSample(s));
    }

    /// <summary>s and t, zero where b = 1, so exp(s) = 1 and t = 0 leave those entries exactly as they were.</summary>
    (Tensor s, Tensor t) ScaleAndShift(Tensor passing)
    {
        var (raw, t) = net is null ? (scaleNet!.forward(passing), shiftNet!.forward(passing)) : Halves(net.forward(passing));
        var changes = 1 - mask;
        return (TypedSpec.Bound.Apply(raw, TypedSpec.Clamp) * changes, t * changes);
    }

    static (Tensor, Tensor) Halves(Tensor st)
    {
        var halves = st.chunk(2, 1);
        return (halves[0], halves[1]);
    }
}
