using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("factor_out")]
public sealed record FactorOutSpec : LayerSpec
{
    /// <summary>
    /// Layers in generative order acting on the second half of the channels (images) or features (vectors): the last
    /// one's data side is that half; the first one's base side may be any shape with as many values (a squeeze).
    /// </summary>
    public required IReadOnlyList<LayerSpec> Inner { get; init; }

    public override FlowLayer Build() => new FactorOut(this);
}

/// <summary>
/// The multi-scale architecture of RealNVP (Dinh et al. 2016, section 3.6) and Glow (Kingma and Dhariwal 2018,
/// figure 2): after some layers, half of the channels are factored out, going straight to the latent where the base
/// distribution models them, and only the other half goes through the deeper layers <see cref="FactorOutSpec.Inner"/>.
/// Generative direction: z = [z_out, z_in] to x = [z_out, Inner.Forward(z_in)], log-det that of the inner layers.
/// The first floor(C/2) channels are factored out. The base side keeps the data-side shape: when the inner layers
/// start with another shape (after a squeeze), z_in holds their base-side input reshaped in row-major order.
/// With Squeeze and steps of flow inside nested FactorOuts this builds a whole multi-scale flow.
/// </summary>
public sealed class FactorOut : FlowLayer<FactorOutSpec>
{
    readonly ModuleList<FlowLayer> inner;
    readonly long factored;
    readonly Shape half;
    readonly Shape innerLatent;

    public FactorOut(FactorOutSpec spec) : base(spec)
    {
        var s = spec.Shape;
        if (!(s.IsVector || s.IsImage) || s[0] < 2)
            throw new FlowShapeException($"FactorOut: expected a vector [D] or image [C, H, W] with at least 2 features or channels, got {s}");
        factored = s[0] / 2;
        half = s.IsImage ? Shape.Image(s[0] - factored, s[1], s[2]) : Shape.Vector(s[0] - factored);

        var layers = new List<FlowLayer>();
        try
        {
            foreach (var layerSpec in spec.Inner) layers.Add(layerSpec.Build());
            CheckChain(layers);
        }
        catch
        {
            foreach (var layer in layers) layer.Dispose();
            throw;
        }
        innerLatent = layers.Count == 0 ? half : layers[0].LatentShape;
        inner = new ModuleList<FlowLayer>(layers.ToArray());
        RegisterComponents();
    }

    /// <summary>The inner layers, in generative order.</summary>
    public IReadOnlyList<FlowLayer> Inner => inner.ToList();

    public override bool HasInverse => inner.All(l => l.HasInverse);
    public override bool HasStochasticLogDet => inner.Any(l => l.HasStochasticLogDet);

    void CheckChain(List<FlowLayer> layers)
    {
        if (layers.Count == 0) return;
        if (layers[0].LatentShape.Size != half.Size)
            throw new FlowShapeException(
                $"FactorOut: inner layer 0 ({layers[0].KindName}) expects input shape {layers[0].LatentShape} ({layers[0].LatentShape.Size} values), " +
                $"but the second half of {TypedSpec.Shape} is {half} ({half.Size} values)");
        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].LatentShape != layers[i - 1].DataShape)
                throw new FlowShapeException(
                    $"FactorOut: inner layer {i} ({layers[i].KindName}) expects input shape {layers[i].LatentShape}, " +
                    $"but inner layer {i - 1} ({layers[i - 1].KindName}) produces {layers[i - 1].DataShape}");
        }
        var last = layers[^1];
        if (last.DataShape != half)
            throw new FlowShapeException(
                $"FactorOut: expected the inner layers to produce the second half of {TypedSpec.Shape}, shape {half}, " +
                $"but inner layer {layers.Count - 1} ({last.KindName}) produces {last.DataShape}");
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        long batch = z.shape[0];
        var h = z.narrow(1, factored, half[0]).reshape(innerLatent.WithBatch(batch));
        var logDet = ZeroLogDet(z);
        foreach (var layer in inner)
        {
            var (next, step) = layer.Forward(h);
            h = next;
            logDet = logDet + step;
        }
        return (cat([z.narrow(1, 0, factored), h], 1), logDet);
    }

    /// <summary>The inner layers without their log-dets, so that skipping one (i-ResNet's) carries through a factor-out.</summary>
    protected override Tensor ForwardWithoutLogDetCore(Tensor z)
    {
        var h = z.narrow(1, factored, half[0]).reshape(innerLatent.WithBatch(z.shape[0]));
        foreach (var layer in inner) h = layer.ForwardWithoutLogDet(h);
        return cat([z.narrow(1, 0, factored), h], 1);
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        long batch = x.shape[0];
        var h = x.narrow(1, factored, half[0]);
        var logDet = ZeroLogDet(x);
        for (int i = inner.Count - 1; i >= 0; i--)
        {
            var (previous, step) = inner[i].Inverse(h);
            h = previous;
            logDet = logDet + step;
        }
        return (cat([x.narrow(1, 0, factored), h.reshape(half.WithBatch(batch))], 1), logDet);
    }
}
