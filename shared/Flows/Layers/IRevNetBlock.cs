using FlowLive.Flows.Nets;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("irevnet")]
public sealed record IRevNetBlockSpec : LayerSpec
{
    /// <summary>The residual functions F and G (MLPs for vectors, CNNs for images); both start at zero.</summary>
    public SubnetSpec Net { get; init; } = new();
    public override FlowLayer Build() => new IRevNetBlock(this);
}

/// <summary>
/// The reversible residual block of RevNet (Gomez et al. 2017), which i-RevNet (Jacobsen et al. 2018, section 3) makes
/// the whole network of; i-RevNet writes a block as one additive step and a swap of the halves, and two of its blocks
/// are this one. Split z into halves [z1, z2] (features, or channels for images; an odd size gives z2 the extra one):
///   y1 = z1 + F(z2),  y2 = z2 + G(y1),  x = [y1, y2],
/// with exact inverse z2 = y2 - G(y1), z1 = y1 - F(z2). Each step adds a function of the other half, so the Jacobian
/// is a product of unit-triangular blocks and log|det| = 0: volume-preserving, like NICE, but both halves change in
/// one block. F and G start at zero, so a new block is the identity.
/// </summary>
public sealed class IRevNetBlock : FlowLayer<IRevNetBlockSpec>
{
    readonly nn.Module<Tensor, Tensor> f;
    readonly nn.Module<Tensor, Tensor> g;
    readonly long first;
    readonly long second;

    public IRevNetBlock(IRevNetBlockSpec spec) : base(spec)
    {
        var shape = spec.Shape;
        if (!shape.IsVector && !shape.IsImage)
            throw new FlowShapeException($"{nameof(IRevNetBlock)} takes vectors [D] or images [C, H, W], got {shape}");
        if (shape[0] < 2)
            throw new FlowShapeException($"{nameof(IRevNetBlock)} splits the first dimension in two halves, so it must be at least 2; got shape {shape}");
        first = shape[0] / 2;
        second = shape[0] - first;
        f = Subnet.Create(spec.Net, Half(shape, second), Half(shape, first));
        g = Subnet.Create(spec.Net, Half(shape, first), Half(shape, second));
        RegisterComponents();
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        var y1 = z.narrow(1, 0, first) + f.call(z.narrow(1, first, second));
        var y2 = z.narrow(1, first, second) + g.call(y1);
        return (cat([y1, y2], 1), ZeroLogDet(z));
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        var y1 = x.narrow(1, 0, first);
        var z2 = x.narrow(1, first, second) - g.call(y1);
        var z1 = y1 - f.call(z2);
        return (cat([z1, z2], 1), ZeroLogDet(x));
    }

    static Shape Half(Shape shape, long size) => shape.IsVector ? Shape.Vector(size) : Shape.Image(size, shape[1], shape[2]);
}
