using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Flows;

/// <summary>
/// One invertible layer of a normalizing flow.
///
/// Direction convention: <see cref="Forward"/> is generative (base side z to data side x) and returns
/// log|det dx/dz|; <see cref="Inverse"/> normalizes and returns log|det dz/dx| = minus the forward log-det.
/// Log-dets have shape [batch]. Subclasses implement the Core methods; the public methods check shapes and own the
/// dispose scope, so a subclass may create temporaries freely.
/// </summary>
public abstract class FlowLayer : nn.Module
{
    protected FlowLayer(string name) : base(name) { }

    /// <summary>The spec this layer was built from (weights aside).</summary>
    public abstract LayerSpec Spec { get; }

    /// <summary>Per-sample shape on the base side (input of Forward, output of Inverse).</summary>
    public Shape LatentShape => Spec.Shape;

    /// <summary>Per-sample shape on the data side; differs from <see cref="LatentShape"/> only for reshaping layers.</summary>
    public virtual Shape DataShape => Spec.Shape;

    /// <summary>False for layers such as planar flows whose inverse has no closed form.</summary>
    public virtual bool HasInverse => true;

    /// <summary>True when the log-det is a stochastic estimate (i-ResNet); exact otherwise.</summary>
    public virtual bool HasStochasticLogDet => false;

    /// <summary>Display name for errors, traces and the viewer, e.g. "AffineCoupling".</summary>
    public string KindName => GetType().Name;

    /// <summary>Generative direction: z (base side) to x (data side), with log|det dx/dz| of shape [batch].</summary>
    public (Tensor x, Tensor logDet) Forward(Tensor z)
    {
        CheckInput(z, LatentShape, "Forward");
        using var scope = NewDisposeScope();
        var (x, logDet) = ForwardCore(z);
        return (x.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Generative direction without the log-det, for callers that would discard it (sampling, traces): the same x as
    /// <see cref="Forward"/>, but layers whose log-det is costly (i-ResNet's power series) skip computing it.
    /// </summary>
    public Tensor ForwardWithoutLogDet(Tensor z)
    {
        CheckInput(z, LatentShape, "Forward");
        using var scope = NewDisposeScope();
        return ForwardWithoutLogDetCore(z).MoveToOuterDisposeScope();
    }

    /// <summary>Normalizing direction: x (data side) to z (base side), with log|det dz/dx| of shape [batch].</summary>
    public (Tensor z, Tensor logDet) Inverse(Tensor x)
    {
        CheckInput(x, DataShape, "Inverse");
        if (!HasInverse) throw new InverseNotAvailableException(KindName);
        using var scope = NewDisposeScope();
        var (z, logDet) = InverseCore(x);
        return (z.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    protected abstract (Tensor x, Tensor logDet) ForwardCore(Tensor z);
    protected abstract (Tensor z, Tensor logDet) InverseCore(Tensor x);

    /// <summary>Override where the log-det costs more than the output; the default runs <see cref="ForwardCore"/>.</summary>
    protected virtual Tensor ForwardWithoutLogDetCore(Tensor z) => ForwardCore(z).x;

    /// <summary>Zero log-det of the right batch size, dtype and device.</summary>
    protected static Tensor ZeroLogDet(Tensor like) => zeros(like.shape[0], dtype: like.dtype, device: like.device);

    /// <summary>Sums everything but the batch dimension: [batch, ...] to [batch].</summary>
    protected static Tensor SumPerSample(Tensor t) => t.reshape(t.shape[0], -1).sum(1);

    void CheckInput(Tensor t, Shape expected, string method)
    {
        if (!expected.MatchesBatched(t.shape))
            throw new FlowShapeException(
                $"{KindName}.{method}: expected a batch of shape [batch, {string.Join(", ", expected.Dims)}], got {Shape.Format(t.shape)}");
    }
}

/// <summary>A layer built from a spec of type <typeparamref name="TSpec"/>.</summary>
public abstract class FlowLayer<TSpec> : FlowLayer where TSpec : LayerSpec
{
    protected FlowLayer(TSpec spec) : base(spec.GetType().Name.Replace("Spec", "")) => TypedSpec = spec;

    protected TSpec TypedSpec { get; }
    public override LayerSpec Spec => TypedSpec;
}
