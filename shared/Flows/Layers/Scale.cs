using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("scale")]
public sealed record ScaleSpec : LayerSpec
{
    /// <summary>One log-scale per element (length = Shape.Size); zeros when absent.</summary>
    public double[]? LogScale { get; init; }
    /// <summary>Learnable per-dimension scale exp(s): NICE's final layer, or the Rosenbaum exercise after a coupling.</summary>
    public bool Learnable { get; init; }
    public override FlowLayer Build() => new Scale(this);
}

/// <summary>
/// Elementwise scaling x = exp(s) * z, log|det dx/dz| = sum(s). Parameterised by the log-scale s, so it stays
/// invertible for any value. Fixed: a Gaussian of standard deviations exp(s); learnable: NICE's scaling layer
/// (Dinh et al. 2014, section 3.3).
/// </summary>
public sealed class Scale : FlowLayer<ScaleSpec>
{
    readonly Parameter? logScale; // only when learnable; a fixed scale is read from the spec

    public Scale(ScaleSpec spec) : base(spec)
    {
        ElementwiseValues.Check(spec.LogScale, spec.Shape, "Scale.LogScale");
        if (spec.Learnable) logScale = new Parameter(ElementwiseValues.Initial(spec.LogScale, spec.Shape, 0.0));
        RegisterComponents();
    }

    Tensor LogScale(Tensor like) => logScale ?? ElementwiseValues.Like(TypedSpec.LogScale, TypedSpec.Shape, 0.0, like);

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        var s = LogScale(z);
        return (z * s.exp(), s.sum().expand(z.shape[0]));
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        var s = LogScale(x);
        return (x * (-s).exp(), (-s.sum()).expand(x.shape[0]));
    }
}
