using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using static FlowLive.Tests.Flows.Layers.MaskedAutoregressiveFlowTests;

namespace FlowLive.Tests.Flows.Layers;

public sealed class IRevNetBlockTests
{
    static readonly SubnetSpec Small = new() { Hidden = 8, Depth = 1 };

    static nn.Module<Tensor, Tensor> Net(FlowLayer layer, string name) =>
        (nn.Module<Tensor, Tensor>)layer.named_children().Single(c => c.name == name).module;

    public static TheoryData<long[]> Shapes() => new() { new long[] { 4 }, new long[] { 5 }, new long[] { 4, 3, 3 }, new long[] { 3, 2, 2 } };

    [Theory, MemberData(nameof(Shapes))]
    public void A_new_block_is_the_identity(long[] dims)
    {
        using var layer = new IRevNetBlockSpec { Shape = new Shape(dims), Net = Small }.Build();
        using var scope = NewDisposeScope();
        var z = randn([3, .. dims]);
        Numeric.AssertBitIdentical(z, layer.Forward(z).x, "Forward at initialisation");
        Numeric.AssertBitIdentical(z, layer.Inverse(z).z, "Inverse at initialisation");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Forward_is_the_two_additive_steps_with_zero_log_det(long[] dims)
    {
        using var layer = Randomised<IRevNetBlock>(new IRevNetBlockSpec { Shape = new Shape(dims), Net = Small }, seed: 1);
        using var scope = NewDisposeScope();
        var z = randn([3, .. dims], dtype: float64, generator: new Generator(2));
        long first = dims[0] / 2, second = dims[0] - first;
        var z1 = z.narrow(1, 0, first);
        var z2 = z.narrow(1, first, second);
        var y1 = z1 + Net(layer, "f").call(z2);
        var y2 = z2 + Net(layer, "g").call(y1);

        var (x, logDet) = layer.Forward(z);
        Numeric.AssertClose(cat([y1, y2], 1), x, 1e-14, "x = [z1 + F(z2), z2 + G(y1)]");
        Numeric.AssertClose(zeros(3, dtype: float64), logDet, 0, "log-det");
        Assert.True(Numeric.MaxAbsDiff(z, x) > 1e-2, "the test wants F and G far from zero");
    }

    [Fact]
    public void The_first_half_changes_by_a_function_of_the_second_half_only()
    {
        using var layer = Randomised<IRevNetBlock>(new IRevNetBlockSpec { Shape = Shape.Vector(5), Net = Small }, seed: 3);
        using var scope = NewDisposeScope();
        var z = randn([4, 5], dtype: float64, generator: new Generator(4));
        var shifted = z.clone();
        shifted.narrow(1, 0, 2).add_(1.5); // move z1 (2 of 5 features), keep z2 (3)
        var y1 = layer.Forward(z).x.narrow(1, 0, 2);
        var y1Shifted = layer.Forward(shifted).x.narrow(1, 0, 2);
        Numeric.AssertClose(y1 + 1.5, y1Shifted, 1e-14, "y1 = z1 + F(z2) moves exactly with z1");
    }

    [Theory]
    [InlineData(new long[] { 1 })]
    [InlineData(new long[] { 1, 4, 4 })]
    [InlineData(new long[] { 3, 4 })]
    public void Rejects_shapes_it_cannot_split_naming_them(long[] dims)
    {
        var shape = new Shape(dims);
        var e = Assert.Throws<FlowShapeException>(() => new IRevNetBlockSpec { Shape = shape }.Build());
        Assert.Contains(shape.ToString(), e.Message);
    }
}
