using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("batch_norm")]
public sealed record BatchNormFlowSpec : LayerSpec
{
    /// <summary>Running statistics move this far towards each training batch's: r = (1 - m) r + m batch (PyTorch's convention).</summary>
    public double Momentum { get; init; } = 0.1;

    /// <summary>Added to the variance before its square root.</summary>
    public double Epsilon { get; init; } = 1e-5;

    public override FlowLayer Build() => new BatchNormFlow(this);
}

/// <summary>
/// Batch normalization as a flow layer (Dinh et al. 2016, RealNVP section 3.7; used between the layers of MAF,
/// Papamakarios et al. 2017). The normalizing direction is z = (x - mu) / sqrt(var + eps) exp(log_gamma) + beta per feature
/// (vectors) or channel (images), with log|det dz/dx| = H W sum(log_gamma - log(var + eps) / 2).
///
/// In training mode <see cref="FlowLayer.Inverse"/> uses the batch's mean and (biased) variance and moves the running
/// statistics towards them; in evaluation mode it uses the running statistics. <see cref="FlowLayer.Forward"/>
/// (sampling) always uses the running statistics. So only in evaluation mode is the layer one fixed bijection with
/// samples independent of each other in a batch; in training mode each sample's output depends on the whole batch.
/// </summary>
public sealed class BatchNormFlow : FlowLayer<BatchNormFlowSpec>
{
    readonly Parameter logGamma;
    readonly Parameter beta;
    readonly Tensor runningMean;
    readonly Tensor runningVar;

    public BatchNormFlow(BatchNormFlowSpec spec) : base(spec)
    {
        if (!spec.Shape.IsVector && !spec.Shape.IsImage)
            throw new FlowShapeException($"BatchNormFlow: expected a vector [D] or image [C, H, W] shape, got {spec.Shape}");
        if (!(spec.Momentum >= 0 && spec.Momentum <= 1))
            throw new ArgumentException($"BatchNormFlow.Momentum must lie in [0, 1], got {spec.Momentum}");
        if (!(spec.Epsilon > 0))
            throw new ArgumentException($"BatchNormFlow.Epsilon must be positive, got {spec.Epsilon}");
        long channels = spec.Shape[0];
        logGamma = new Parameter(zeros(channels));
        beta = new Parameter(zeros(channels));
        runningMean = zeros(channels);
        runningVar = ones(channels);
        RegisterComponents();
    }

    long Pixels => TypedSpec.Shape.IsImage ? TypedSpec.Shape[1] * TypedSpec.Shape[2] : 1;
    long[] ReducedDims => TypedSpec.Shape.IsImage ? [0, 2, 3] : [0];
    Tensor PerChannel(Tensor v) => TypedSpec.Shape.IsImage ? v.view(-1, 1, 1) : v;

    /// <summary>log(dz/dx) per channel: log_gamma - log(var + eps) / 2.</summary>
    Tensor LogScale(Tensor variance) => logGamma - 0.5 * (variance + TypedSpec.Epsilon).log();

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        var logScale = LogScale(runningVar);
        var x = (z - PerChannel(beta)) * PerChannel((-logScale).exp()) + PerChannel(runningMean);
        return (x, (logScale.sum() * -Pixels).expand(z.shape[0]));
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        Tensor mean = runningMean, variance = runningVar;
        if (training)
        {
            mean = x.mean(ReducedDims);
            variance = x.var(ReducedDims, unbiased: false);
            using var _ = no_grad();
            double m = TypedSpec.Momentum;
            runningMean.mul_(1 - m).add_(mean.detach() * m);
            runningVar.mul_(1 - m).add_(variance.detach() * m);
        }
        var logScale = LogScale(variance);
        var z = (x - PerChannel(mean)) * PerChannel(logScale.exp()) + PerChannel(beta);
        return (z, (logScale.sum() * Pixels).expand(x.shape[0]));
    }
}
