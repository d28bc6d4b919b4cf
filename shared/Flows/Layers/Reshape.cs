using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("reshape")]
public sealed record ReshapeSpec : LayerSpec
{
    /// <summary>The per-sample shape on the data side; it must hold as many elements as <see cref="LayerSpec.Shape"/>.</summary>
    public required Shape Data { get; init; }

    public override FlowLayer Build() => new Reshape(this);
}

/// <summary>
/// Views each sample in another shape, e.g. the flattened 784-vector a vector flow works on as the 1 x 28 x 28 image
/// it is (so samples, model files and the viewer know an image model when they see one). Moves no value: log|det| = 0.
/// </summary>
public sealed class Reshape : FlowLayer<ReshapeSpec>
{
    public Reshape(ReshapeSpec spec) : base(spec)
    {
        if (spec.Data is null || spec.Data.Size != spec.Shape.Size)
            throw new FlowShapeException($"Reshape: the data shape {spec.Data} must hold the {spec.Shape.Size} elements of {spec.Shape}");
    }

    public override Shape DataShape => TypedSpec.Data;

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z) => (z.reshape(DataShape.WithBatch(z.shape[0])), ZeroLogDet(z));

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x) => (x.reshape(LatentShape.WithBatch(x.shape[0])), ZeroLogDet(x));
}
