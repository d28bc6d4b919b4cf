using FlowLive.Flows.Nets;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("rq_spline_coupling")]
public sealed record RationalQuadraticSplineCouplingSpec : LayerSpec
{
    /// <summary>The conditioner computing 3K-1 spline parameters per transformed element from the conditioning half.</summary>
    public SubnetSpec Net { get; init; } = new();
    /// <summary>Number of spline bins K.</summary>
    public int Bins { get; init; } = 8;
    /// <summary>The spline acts on [-Bound, Bound]; outside it the layer is the identity (linear tails).</summary>
    public double Bound { get; init; } = 3.0;
    public double MinBinWidth { get; init; } = RationalQuadraticSpline.DefaultMinBinWidth;
    public double MinBinHeight { get; init; } = RationalQuadraticSpline.DefaultMinBinHeight;
    public double MinDerivative { get; init; } = RationalQuadraticSpline.DefaultMinDerivative;
    /// <summary>
    /// False: the first floor(n/2) features (channels) condition and the rest is transformed. True: the roles swap,
    /// so a layer of each kind transforms every feature once.
    /// </summary>
    public bool TransformFirstHalf { get; init; }

    public override FlowLayer Build() => new RationalQuadraticSplineCoupling(this);

    /// <summary><paramref name="count"/> spline couplings that alternate the transformed half, starting with the second.</summary>
    public static IReadOnlyList<RationalQuadraticSplineCouplingSpec> Alternating(Shape shape, int count, SubnetSpec? net = null) =>
        Enumerable.Range(0, count)
            .Select(i => new RationalQuadraticSplineCouplingSpec { Shape = shape, Net = net ?? new(), TransformFirstHalf = i % 2 == 1 })
            .ToList();
}

/// <summary>
/// Rational-quadratic spline coupling (Durkan et al. 2019, "Neural Spline Flows", sections 3.1-3.2, eqs. 4-7 and
/// appendix A): z = (z1, z2), x1 = z1, x2 = RQS(z2; theta(z1)), where each element of z2 has its own monotone
/// rational-quadratic spline with K bins on [-B, B] and the identity outside, and theta(z1) gives 3K-1 numbers per
/// element (K widths, K heights, K-1 interior derivatives; see <see cref="RationalQuadraticSpline"/>).
/// log|det dx/dz| = sum of log RQS'(z2); the inverse solves a quadratic per element, exactly.
/// Vectors [D] split features, images [C, H, W] split channels; z1 is the first floor(n/2), unless TransformFirstHalf.
/// The conditioner's last layer starts at zero, and zero spline parameters give the identity, so a new layer is the
/// identity.
/// </summary>
public sealed class RationalQuadraticSplineCoupling : FlowLayer<RationalQuadraticSplineCouplingSpec>
{
    readonly nn.Module<Tensor, Tensor> net;
    readonly HalfSplit halves;

    public RationalQuadraticSplineCoupling(RationalQuadraticSplineCouplingSpec spec) : base(spec)
    {
        var shape = spec.Shape;
        if (!(shape.IsVector || shape.IsImage) || shape[0] < 2)
            throw new FlowShapeException(
                $"RationalQuadraticSplineCoupling: expected a vector [D] with D >= 2 or an image [C, H, W] with C >= 2, got {shape}");
        if (spec.Bins < 2)
            throw new ArgumentException($"RationalQuadraticSplineCoupling.Bins must be at least 2, got {spec.Bins}");
        if (!(spec.Bound > 0 && double.IsFinite(spec.Bound)))
            throw new ArgumentException($"RationalQuadraticSplineCoupling.Bound must be positive and finite, got {spec.Bound}");
        if (!(spec.MinBinWidth >= 0 && spec.MinBinWidth * spec.Bins < 1 && spec.MinBinHeight >= 0 && spec.MinBinHeight * spec.Bins < 1))
            throw new ArgumentException(
                $"RationalQuadraticSplineCoupling: MinBinWidth and MinBinHeight must be in [0, 1/Bins) = [0, {1.0 / spec.Bins}), got {spec.MinBinWidth} and {spec.MinBinHeight}");
        if (!(spec.MinDerivative > 0 && spec.MinDerivative < 1))
            throw new ArgumentException($"RationalQuadraticSplineCoupling.MinDerivative must be in (0, 1), got {spec.MinDerivative}");

        halves = new HalfSplit(shape, spec.TransformFirstHalf);
        net = Subnet.Create(spec.Net, halves.ConditionShape, halves.TransformedShape(RationalQuadraticSpline.ParameterCount(spec.Bins)));
        RegisterComponents();
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        var (condition, changed) = halves.Split(z);
        var (widths, heights, derivatives) = SplineParameters(condition, changed.shape[1]);
        var s = TypedSpec;
        var (y, logDet) = RationalQuadraticSpline.Forward(changed, widths, heights, derivatives, s.Bound,
            s.MinBinWidth, s.MinBinHeight, s.MinDerivative);
        return (halves.Join(condition, y), SumPerSample(logDet));
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        var (condition, changed) = halves.Split(x);
        var (widths, heights, derivatives) = SplineParameters(condition, changed.shape[1]);
        var s = TypedSpec;
        var (y, logDet) = RationalQuadraticSpline.Inverse(changed, widths, heights, derivatives, s.Bound,
            s.MinBinWidth, s.MinBinHeight, s.MinDerivative);
        return (halves.Join(condition, y), SumPerSample(logDet));
    }

    /// <summary>The conditioner's output rearranged to [batch, transformed, (H, W,) 3K-1] and cut into the three groups.</summary>
    (Tensor widths, Tensor heights, Tensor derivatives) SplineParameters(Tensor condition, long transformed)
    {
        int k = TypedSpec.Bins;
        var raw = net.forward(condition);
        long batch = raw.shape[0];
        var perElement = raw.dim() == 2
            ? raw.reshape(batch, transformed, RationalQuadraticSpline.ParameterCount(k))
            : raw.reshape(batch, transformed, RationalQuadraticSpline.ParameterCount(k), raw.shape[2], raw.shape[3])
                .permute(0, 1, 3, 4, 2);
        return (perElement.narrow(-1, 0, k), perElement.narrow(-1, k, k), perElement.narrow(-1, 2 * k, k - 1));
    }
}
