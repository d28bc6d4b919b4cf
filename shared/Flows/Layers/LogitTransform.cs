using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("logit")]
public sealed record LogitTransformSpec : LayerSpec
{
    /// <summary>Keeps the logit's argument in [alpha, 1 - alpha] for pixels in [0, 1]; RealNVP uses 0.05. 0 &lt;= alpha &lt; 1/2.</summary>
    public double Alpha { get; init; } = 0.05;

    public override FlowLayer Build() => new LogitTransform(this);
}

/// <summary>
/// The logit preprocessing of RealNVP (Dinh et al. 2016, section 4.1), as a layer so that likelihoods stay in pixel
/// space: the data side holds dequantized pixels x in [0, 1]. Normalizing: y = alpha + (1 - 2 alpha) x,
/// z = logit(y), log|det dz/dx| = sum(log(1 - 2 alpha) - log y - log(1 - y)). RealNVP writes alpha + (1 - alpha) x;
/// the symmetric form (MAF's code, Papamakarios et al. 2017) keeps y in [alpha, 1 - alpha], away from both infinities.
/// Generative: x = (sigmoid(z) - alpha) / (1 - 2 alpha), defined for every real z (x then lies in
/// (-alpha / (1 - 2 alpha), (1 - alpha) / (1 - 2 alpha)), the domain of the inverse).
/// </summary>
public sealed class LogitTransform : FlowLayer<LogitTransformSpec>
{
    readonly double alpha;
    readonly double logSpan;

    public LogitTransform(LogitTransformSpec spec) : base(spec)
    {
        if (!(spec.Alpha >= 0 && spec.Alpha < 0.5))
            throw new ArgumentException($"LogitTransform.Alpha must lie in [0, 0.5), got {spec.Alpha}");
        alpha = spec.Alpha;
        logSpan = Math.Log(1 - 2 * alpha);
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        var x = (z.sigmoid() - alpha) / (1 - 2 * alpha);
        // log sigmoid(z) + log sigmoid(-z), stable for large |z|.
        var logDerivative = nn.functional.logsigmoid(z) + nn.functional.logsigmoid(-z);
        return (x, SumPerSample(logDerivative) - logSpan * LatentShape.Size);
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        var y = alpha + (1 - 2 * alpha) * x;
        using (var inside = (y > 0).logical_and(y < 1).all())
        {
            if (!inside.ToBoolean())
                throw new ArgumentOutOfRangeException(nameof(x),
                    $"LogitTransform.Inverse: data must lie in ({-alpha / (1 - 2 * alpha)}, {(1 - alpha) / (1 - 2 * alpha)}), " +
                    $"e.g. pixels scaled to [0, 1]; got values from {x.min().ToDouble()} to {x.max().ToDouble()}");
        }
        var logY = y.log();
        var logOneMinusY = (-y).log1p();
        return (logY - logOneMinusY, logSpan * LatentShape.Size - SumPerSample(logY + logOneMinusY));
    }
}
