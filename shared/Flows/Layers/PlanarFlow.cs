using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("planar")]
public sealed record PlanarFlowSpec : LayerSpec
{
    public override FlowLayer Build() => new PlanarFlow(this);
}

/// <summary>
/// Planar flow (Rezende and Mohamed 2015, "Variational Inference with Normalizing Flows", section 4.1, eqs. 10-12):
/// x = z + u_hat tanh(w^T z + b), log|det dx/dz| = log|1 + u_hat^T psi(z)| with psi(z) = (1 - tanh^2(w^T z + b)) w.
/// It is invertible when w^T u_hat &gt;= -1, which appendix A.1 enforces by replacing the free u with
/// u_hat = u + (m(w^T u) - w^T u) w / |w|^2, m(a) = -1 + softplus(a), so w^T u_hat = m(w^T u) &gt; -1 for every u, w.
/// The inverse has no closed form, so this layer samples and fits by reverse KL only (<see cref="HasInverse"/> is false).
/// Vectors [D] only. u and w start uniform in +-1/sqrt(D) and b at 0 (as Pyro does): with u = 0 the constraint
/// would still move u_hat away from zero, so there is no useful identity start.
/// </summary>
public sealed class PlanarFlow : FlowLayer<PlanarFlowSpec>
{
    readonly Parameter u;
    readonly Parameter w;
    readonly Parameter b;

    public PlanarFlow(PlanarFlowSpec spec) : base(spec)
    {
        if (!spec.Shape.IsVector)
            throw new FlowShapeException($"PlanarFlow: expected a vector shape [D], got {spec.Shape}");
        long d = spec.Shape[0];
        double limit = 1 / Math.Sqrt(d);
        u = new Parameter(empty(d, dtype: float32).uniform_(-limit, limit));
        w = new Parameter(empty(d, dtype: float32).uniform_(-limit, limit));
        b = new Parameter(zeros(1, dtype: float32));
        RegisterComponents();
    }

    public override bool HasInverse => false;

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        var uHat = ConstrainedU();
        var activation = (z.matmul(w) + b).tanh();
        var x = z + activation.unsqueeze(1) * uHat;
        var logDet = (1 + (1 - activation.square()) * w.dot(uHat)).abs().log();
        return (x, logDet);
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x) => throw new InverseNotAvailableException(KindName);

    /// <summary>u_hat of appendix A.1: w^T u_hat = -1 + softplus(w^T u).</summary>
    Tensor ConstrainedU()
    {
        var wu = w.dot(u);
        var wSquared = w.dot(w);
        // A zero w leaves nothing to constrain (w^T u_hat = 0); dividing by 1 there keeps the gradient finite.
        var safeWSquared = where(wSquared.gt(0), wSquared, ones_like(wSquared));
        return u + (nn.functional.softplus(wu) - 1 - wu) * w / safeWSquared;
    }
}
