using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

/// <summary>
/// Turns a spec's optional per-element values into a tensor of the layer's per-sample shape.
/// Fixed (non-learnable) values are rebuilt from the spec in the dtype of the data they meet, so a float64 flow is
/// exact to float64 (no float32 rounding of the spec on the way); learnable ones start from the spec as parameters.
/// </summary>
static class ElementwiseValues
{
    public static void Check(double[]? values, Shape shape, string field)
    {
        if (values is not null && values.Length != shape.Size)
            throw new FlowShapeException($"{field} has {values.Length} values, expected {shape.Size} for shape {shape}");
    }

    /// <summary>The values as a tensor of <paramref name="like"/>'s dtype and device.</summary>
    public static Tensor Like(double[]? values, Shape shape, double fill, Tensor like) =>
        values is null
            ? full(shape.ToArray(), fill, dtype: like.dtype, device: like.device)
            : tensor(values, dtype: float64).reshape(shape.ToArray()).to(like.dtype, like.device);

    /// <summary>The values as a new float32 tensor, to become a learnable parameter.</summary>
    public static Tensor Initial(double[]? values, Shape shape, double fill) =>
        values is null ? full(shape.ToArray(), fill, dtype: float32) : tensor(values, dtype: float32).reshape(shape.ToArray());
}
