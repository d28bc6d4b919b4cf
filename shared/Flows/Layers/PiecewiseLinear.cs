using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("piecewise_linear")]
public sealed record PiecewiseLinearSpec : LayerSpec
{
    /// <summary>Number of bins K on [0, 1], the same for every element.</summary>
    public int Bins { get; init; } = 5;
    public override FlowLayer Build() => new PiecewiseLinear(this);
}

/// <summary>
/// Monotone piecewise-linear elementwise map of [0, 1] onto itself (Prince, Understanding Deep Learning (2023),
/// section 16.3.1, eq. 16.12; Müller et al. 2019). Each element has K learnable unnormalised heights phi, and
/// h = softmax(phi) are the increments of K bins of width 1/K:
/// f(z) = sum_{k &lt; b} h_k + (K z - b) h_b with b = floor(K z), so log|det| = sum log(K h_b).
/// The inverse finds the bin from the cumulative heights and inverts the line.
///
/// Domain: inputs on either side must lie in [0, 1]; anything else throws an ArgumentException naming the layer and
/// the range (silently clamping would hide a flow built in the wrong order). z = 1 belongs to the last bin
/// (b is clamped to K-1), so f(0) = 0 and f(1) = 1. Outputs are clamped to [0, 1] only to absorb rounding, so that
/// such layers can be stacked. Zero heights (the initial values) give the identity. Any shape (elementwise).
/// </summary>
public sealed class PiecewiseLinear : FlowLayer<PiecewiseLinearSpec>
{
    readonly Parameter heights;

    public PiecewiseLinear(PiecewiseLinearSpec spec) : base(spec)
    {
        if (spec.Bins < 1)
            throw new ArgumentException($"PiecewiseLinear.Bins must be at least 1, got {spec.Bins}");
        heights = new Parameter(zeros([.. spec.Shape.Dims, spec.Bins], dtype: float32));
        RegisterComponents();
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        CheckUnitInterval(z, "Forward");
        int k = TypedSpec.Bins;
        var (_, left, h) = Bins(z.shape);
        var b = (z.detach() * k).floor().clamp(0, k - 1).to_type(ScalarType.Int64).unsqueeze(-1);
        var hb = h.gather(-1, b).squeeze(-1);
        var x = left.gather(-1, b).squeeze(-1) + (k * z - b.squeeze(-1).to_type(z.dtype)) * hb;
        return (x.clamp(0, 1), SumPerSample((k * hb).log()));
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        CheckUnitInterval(x, "Inverse");
        int k = TypedSpec.Bins;
        var (right, left, h) = Bins(x.shape);
        // The bin is the number of inner bin edges at or below x (the same edges Forward starts its bins at).
        var b = x.detach().unsqueeze(-1).ge(right.narrow(-1, 0, k - 1)).sum(-1, keepdim: true);
        var hb = h.gather(-1, b).squeeze(-1);
        var z = (b.squeeze(-1).to_type(x.dtype) + (x - left.gather(-1, b).squeeze(-1)) / hb) / k;
        return (z.clamp(0, 1), -SumPerSample((k * hb).log()));
    }

    /// <summary>Right edges, left edges and heights of the bins, each expanded to [batch, ..shape, K].</summary>
    (Tensor right, Tensor left, Tensor h) Bins(long[] batchShape)
    {
        long[] expanded = [.. batchShape, TypedSpec.Bins];
        var h = heights.softmax(-1);
        var right = h.cumsum(-1);
        // Left edges are the right edges shifted by one, so both directions agree on where bins begin.
        var left = nn.functional.pad(right.narrow(-1, 0, TypedSpec.Bins - 1), [1, 0]);
        return (right.expand(expanded), left.expand(expanded), h.expand(expanded));
    }

    void CheckUnitInterval(Tensor t, string method)
    {
        double min = t.min().ToDouble(), max = t.max().ToDouble();
        if (!(min >= 0 && max <= 1))
            throw new ArgumentException(
                $"PiecewiseLinear.{method}: inputs must lie in [0, 1], got values in [{min}, {max}] (put the layer where the data live in the unit interval, e.g. after a sigmoid)");
    }
}
