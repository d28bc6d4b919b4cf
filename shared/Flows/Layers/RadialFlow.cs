using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("radial")]
public sealed record RadialFlowSpec : LayerSpec
{
    public override FlowLayer Build() => new RadialFlow(this);
}

/// <summary>
/// Radial flow (Rezende and Mohamed 2015, "Variational Inference with Normalizing Flows", section 4.1, eqs. 13-14):
/// contracts or expands space around a reference point z0,
/// x = z + beta h(alpha, r) (z - z0), r = |z - z0|, h = 1 / (alpha + r), h' = -h^2, and
/// log|det dx/dz| = (D - 1) log(1 + beta h) + log(1 + beta h + beta h' r).
/// alpha = softplus(alpha_raw) &gt; 0, and appendix A.2's beta = -alpha + softplus(beta_raw) &gt;= -alpha keeps it
/// invertible; the inverse has no closed form, so <see cref="HasInverse"/> is false. Vectors [D] only.
/// All raw values start at zero, so alpha = softplus(0) = log 2 and beta = log 2 - log 2 = 0: a new layer is the
/// identity (z0 then gets its first gradient once beta has moved).
/// </summary>
public sealed class RadialFlow : FlowLayer<RadialFlowSpec>
{
    readonly Parameter z0;
    readonly Parameter alphaRaw;
    readonly Parameter betaRaw;

    public RadialFlow(RadialFlowSpec spec) : base(spec)
    {
        if (!spec.Shape.IsVector)
            throw new FlowShapeException($"RadialFlow: expected a vector shape [D], got {spec.Shape}");
        z0 = new Parameter(zeros(spec.Shape[0], dtype: float32));
        alphaRaw = new Parameter(zeros(1, dtype: float32));
        betaRaw = new Parameter(zeros(1, dtype: float32));
        RegisterComponents();
    }

    public override bool HasInverse => false;

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        var (alpha, beta) = AlphaBeta();
        var offset = z - z0;
        var r = linalg.vector_norm(offset, dims: [1]);
        var h = 1 / (alpha + r);
        var betaH = beta * h;
        var x = z + betaH.unsqueeze(1) * offset;
        var logDet = (LatentShape[0] - 1) * betaH.log1p() + (betaH - beta * h.square() * r).log1p();
        return (x, logDet);
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x) => throw new InverseNotAvailableException(KindName);

    (Tensor alpha, Tensor beta) AlphaBeta()
    {
        var alpha = nn.functional.softplus(alphaRaw);
        return (alpha, nn.functional.softplus(betaRaw) - alpha);
    }
}
