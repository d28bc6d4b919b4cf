using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("act_norm")]
public sealed record ActNormSpec : LayerSpec
{
    public override FlowLayer Build() => new ActNorm(this);
}

/// <summary>
/// Activation normalisation (Kingma and Dhariwal 2018, section 3.1): a per-feature (vectors) or per-channel (images)
/// affine map x = z exp(logs) + b, log|det dx/dz| = H W sum(logs) (H W = 1 for vectors).
///
/// Data-dependent initialisation: the first <see cref="FlowLayer.Inverse"/> in training mode sets b and logs so that
/// that batch leaves normalized with zero mean and unit variance per channel; the generative direction never
/// initialises (a flow trained by sampling starts from the identity). The "initialized" flag is a buffer, so model
/// files keep it and a loaded model never initialises again (four libraries shipped without that).
/// </summary>
public sealed class ActNorm : FlowLayer<ActNormSpec>
{
    /// <summary>Added to the standard deviation at initialisation, as in Glow, so constant channels stay finite.</summary>
    public const double InitEpsilon = 1e-6;

    readonly Parameter bias;
    readonly Parameter logScale;
    readonly Tensor initialized;

    public ActNorm(ActNormSpec spec) : base(spec)
    {
        if (!spec.Shape.IsVector && !spec.Shape.IsImage)
            throw new FlowShapeException($"ActNorm: expected a vector [D] or image [C, H, W] shape, got {spec.Shape}");
        long channels = spec.Shape[0];
        bias = new Parameter(zeros(channels));
        logScale = new Parameter(zeros(channels));
        initialized = tensor(0f);
        RegisterComponents();
    }

    /// <summary>True once the data-dependent initialisation has run (here or in the model this one was loaded from).</summary>
    public bool IsInitialized => initialized.ToDouble() != 0;

    long Pixels => TypedSpec.Shape.IsImage ? TypedSpec.Shape[1] * TypedSpec.Shape[2] : 1;

    /// <summary>A per-channel vector shaped to broadcast against a batch.</summary>
    Tensor PerChannel(Tensor v) => TypedSpec.Shape.IsImage ? v.view(-1, 1, 1) : v;

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z) =>
        (z * PerChannel(logScale.exp()) + PerChannel(bias), (logScale.sum() * Pixels).expand(z.shape[0]));

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        if (training && !IsInitialized) Initialize(x);
        return ((x - PerChannel(bias)) * PerChannel((-logScale).exp()), (logScale.sum() * -Pixels).expand(x.shape[0]));
    }

    void Initialize(Tensor x)
    {
        long[] dims = TypedSpec.Shape.IsImage ? [0, 2, 3] : [0];
        if (x.shape[0] * Pixels < 2)
            throw new ArgumentException(
                $"ActNorm's data-dependent initialisation needs at least 2 values per channel, got a batch of shape {Shape.Format(x.shape)}");
        using var _ = no_grad();
        bias.copy_(x.mean(dims));
        logScale.copy_((x.std(dims, unbiased: false) + InitEpsilon).log());
        initialized.fill_(1);
    }
}
