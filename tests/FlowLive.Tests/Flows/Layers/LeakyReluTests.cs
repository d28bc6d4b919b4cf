using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class LeakyReluTests
{
    [Fact]
    public void Scales_only_negative_elements_and_counts_them_in_the_log_det()
    {
        using var layer = new LeakyRelu(new LeakyReluSpec { Shape = Shape.Vector(3) });
        layer.to(float64);
        using var scope = NewDisposeScope();
        var z = tensor(new double[,] { { -2, 3, -0.5 }, { 1, 2, 3 } });

        var (x, logDet) = layer.Forward(z);

        Numeric.AssertClose(tensor(new double[,] { { -0.2, 3, -0.05 }, { 1, 2, 3 } }), x, 1e-15, "leaky ReLU of known values");
        Numeric.AssertClose(tensor(new[] { 2 * Math.Log(0.1), 0 }), logDet, 1e-12, "log-det: two negative elements, then none");
        var (back, inverseLogDet) = layer.Inverse(x);
        Numeric.AssertClose(z, back, 1e-15, "inverse of known values");
        Numeric.AssertClose(tensor(new[] { -2 * Math.Log(0.1), 0 }), inverseLogDet, 1e-12, "inverse log-det");
    }

    [Fact]
    public void Default_slope_is_a_visible_tenth()
    {
        Assert.Equal(0.1, new LeakyReluSpec { Shape = Shape.Vector(1) }.Slope);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void Rejects_slopes_that_are_not_positive(double slope)
    {
        var e = Assert.Throws<ArgumentException>(() => new LeakyRelu(new LeakyReluSpec { Shape = Shape.Vector(2), Slope = slope }));
        Assert.Contains("LeakyRelu.Slope", e.Message);
    }
}
