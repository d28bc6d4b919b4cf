using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("leaky_relu")]
public sealed record LeakyReluSpec : LayerSpec
{
    /// <summary>
    /// The fixed slope a &gt; 0 for negative inputs. 0.1 rather than the usual 0.01, so the fold is visible when the
    /// viewer animates it; the log-det pays log a per negative element.
    /// </summary>
    public double Slope { get; init; } = 0.1;
    public override FlowLayer Build() => new LeakyRelu(this);
}

/// <summary>
/// Elementwise leaky ReLU: x = z for z &gt;= 0, x = a z for z &lt; 0, with a fixed slope a &gt; 0, so it is a bijection
/// of the real line. log|det dx/dz| = (number of negative elements) * log a. The kink at zero has no derivative;
/// the zero element is measure zero and is given slope 1. Any shape (elementwise).
/// An elementwise flow in the sense of Prince, Understanding Deep Learning (2023), section 16.3.1.
/// </summary>
public sealed class LeakyRelu : FlowLayer<LeakyReluSpec>
{
    public LeakyRelu(LeakyReluSpec spec) : base(spec)
    {
        if (!(spec.Slope > 0 && double.IsFinite(spec.Slope)))
            throw new ArgumentException($"LeakyRelu.Slope must be positive and finite (otherwise the map is not invertible), got {spec.Slope}");
        RegisterComponents();
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        var negative = z.lt(0);
        return (where(negative, z * TypedSpec.Slope, z), LogDet(negative, z.dtype));
    }

    // The sign is kept (a > 0), so the same elements are negative on both sides.
    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        var negative = x.lt(0);
        return (where(negative, x / TypedSpec.Slope, x), -LogDet(negative, x.dtype));
    }

    Tensor LogDet(Tensor negative, ScalarType dtype) => SumPerSample(negative.to_type(dtype)) * Math.Log(TypedSpec.Slope);
}
