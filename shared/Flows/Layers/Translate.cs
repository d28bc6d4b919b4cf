using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("translate")]
public sealed record TranslateSpec : LayerSpec
{
    /// <summary>One shift per element (length = Shape.Size); zeros when absent.</summary>
    public double[]? Shift { get; init; }
    public bool Learnable { get; init; }
    public override FlowLayer Build() => new Translate(this);
}

/// <summary>
/// Translation x = z + t, log|det| = 0. With a fixed t and a standard normal base this is N(t, I)
/// (the Radboud check of a flow against a Gaussian it must equal).
/// </summary>
public sealed class Translate : FlowLayer<TranslateSpec>
{
    readonly Parameter? shift; // only when learnable; a fixed shift is read from the spec

    public Translate(TranslateSpec spec) : base(spec)
    {
        ElementwiseValues.Check(spec.Shift, spec.Shape, "Translate.Shift");
        if (spec.Learnable) shift = new Parameter(ElementwiseValues.Initial(spec.Shift, spec.Shape, 0.0));
        RegisterComponents();
    }

    Tensor Shift(Tensor like) => shift ?? ElementwiseValues.Like(TypedSpec.Shift, TypedSpec.Shape, 0.0, like);

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z) => (z + Shift(z), ZeroLogDet(z));
    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x) => (x - Shift(x), ZeroLogDet(x));
}
