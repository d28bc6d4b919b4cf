using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

/// <summary>
/// How split-half coupling layers divide a sample: features of vectors, channels of images, into the first floor(n/2)
/// and the rest. One half conditions the conditioner network, the other is transformed (the second, unless
/// <paramref name="transformFirst"/>), so a stack that alternates the flag transforms everything.
/// </summary>
sealed class HalfSplit(Shape shape, bool transformFirst)
{
    readonly long firstSize = shape[0] / 2;

    public long TransformedSize => transformFirst ? firstSize : shape[0] - firstSize;
    public long ConditionSize => shape[0] - TransformedSize;

    /// <summary>The per-sample shape of the conditioning half.</summary>
    public Shape ConditionShape => WithFirst(ConditionSize);

    /// <summary>The per-sample shape of <paramref name="perElement"/> numbers for every transformed element (conditioner output).</summary>
    public Shape TransformedShape(long perElement) => WithFirst(TransformedSize * perElement);

    public (Tensor condition, Tensor changed) Split(Tensor t)
    {
        var first = t.narrow(1, 0, firstSize);
        var second = t.narrow(1, firstSize, t.shape[1] - firstSize);
        return transformFirst ? (second, first) : (first, second);
    }

    public Tensor Join(Tensor condition, Tensor changed) =>
        transformFirst ? cat([changed, condition], 1) : cat([condition, changed], 1);

    Shape WithFirst(long first) => shape.IsVector ? Shape.Vector(first) : Shape.Image(first, shape[1], shape[2]);
}
