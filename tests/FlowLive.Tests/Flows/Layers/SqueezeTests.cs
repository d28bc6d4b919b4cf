using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Tests.Support;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class SqueezeTests
{
    [Fact]
    public void Squeezes_each_2x2_block_into_four_channels_in_Glow_order()
    {
        using var scope = NewDisposeScope();
        using var layer = SqueezeSpec.ForData(Shape.Image(1, 4, 4)).Build();
        Assert.Equal(Shape.Image(4, 2, 2), layer.LatentShape);
        Assert.Equal(Shape.Image(1, 4, 4), layer.DataShape);
        // x[0, r, c] = 4 r + c.
        var x = arange(16, dtype: float64).reshape(1, 1, 4, 4);

        var z = layer.Inverse(x).z;

        // z[2 dy + dx, i, j] = x[2 i + dy, 2 j + dx].
        var expected = tensor(new double[]
        {
            0, 2, 8, 10, // dy 0, dx 0
            1, 3, 9, 11, // dy 0, dx 1
            4, 6, 12, 14, // dy 1, dx 0
            5, 7, 13, 15, // dy 1, dx 1
        }).reshape(1, 4, 2, 2);
        Numeric.AssertBitIdentical(expected, z, "squeezed [1, 4, 4]");
        Numeric.AssertBitIdentical(x, layer.Forward(z).x, "unsqueezed back");
    }

    [Fact]
    public void Keeps_each_input_channel_in_its_own_group_of_four()
    {
        using var scope = NewDisposeScope();
        using var layer = SqueezeSpec.ForData(Shape.Image(3, 2, 2)).Build();
        // x[c, dy, dx] = 4 c + 2 dy + dx lands in channel 4 c + 2 dy + dx.
        var x = arange(12, dtype: float64).reshape(1, 3, 2, 2);
        Numeric.AssertBitIdentical(arange(12, dtype: float64).reshape(1, 12, 1, 1), layer.Inverse(x).z, "squeezed [3, 2, 2]");
    }

    [Fact]
    public void Rejects_odd_sizes_and_vectors_naming_the_shape()
    {
        Assert.Contains("[1, 3, 4]", Assert.Throws<FlowShapeException>(() => SqueezeSpec.ForData(Shape.Image(1, 3, 4))).Message);
        Assert.Contains("[2, 4, 5]", Assert.Throws<FlowShapeException>(() => SqueezeSpec.ForData(Shape.Image(2, 4, 5))).Message);
        Assert.Contains("[16]", Assert.Throws<FlowShapeException>(() => SqueezeSpec.ForData(Shape.Vector(16))).Message);
        Assert.Contains("[6, 2, 2]", Assert.Throws<FlowShapeException>(() => new SqueezeSpec { Shape = Shape.Image(6, 2, 2) }.Build()).Message);
    }
}
