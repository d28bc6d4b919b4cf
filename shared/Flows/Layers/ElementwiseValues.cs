using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

/// <summary>Turns a spec's optional per-element values into a tensor of the layer's per-sample shape.</summary>
static class ElementwiseValues
{
    public static Tensor Tensor(double[]? values, Shape shape, double fill, string field)
    {
        if (values is null) return full(shape.ToArray(), fill, dtype: float32);
        if (values.Length != shape.Size)
            throw new FlowShapeException($"{field} has {values.Length} values, expected {shape.Size} for shape {shape}");
        return tensor(values).reshape(shape.ToArray()).to(float32);
    }
}
