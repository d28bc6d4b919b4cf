using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class PiecewiseLinearTests
{
    /// <summary>K = 4 bins of width 0.25 whose heights are set to 0.1, 0.2, 0.3, 0.4 (softmax of their logs).</summary>
    static PiecewiseLinear HandSet()
    {
        var layer = new PiecewiseLinear(new PiecewiseLinearSpec { Shape = Shape.Vector(1), Bins = 4 });
        layer.to(float64);
        using var _ = no_grad();
        var heights = layer.named_parameters().Single(p => p.name == "heights").parameter;
        heights.copy_(tensor(new[] { 0.1, 0.2, 0.3, 0.4 }).log().reshape(1, 4));
        return layer;
    }

    [Fact]
    public void Starts_as_the_identity()
    {
        using var layer = new PiecewiseLinear(new PiecewiseLinearSpec { Shape = Shape.Image(2, 3, 3), Bins = 6 });
        layer.to(float64);
        using var scope = NewDisposeScope();
        var z = rand(5, 2, 3, 3, dtype: float64);

        var (x, logDet) = layer.Forward(z);

        Numeric.AssertClose(z, x, 1e-12, "new piecewise-linear layer");
        Numeric.AssertClose(zeros(5, dtype: float64), logDet, 1e-12, "log-det of a new layer");
    }

    [Fact]
    public void Gives_the_closed_form_of_eq_16_12_for_hand_set_heights()
    {
        using var layer = HandSet();
        using var scope = NewDisposeScope();
        // Bin b = floor(4 z) (the end point 1 belongs to the last bin); f = sum_{k<b} h_k + (4 z - b) h_b.
        var z = tensor(new[] { 0.0, 0.1, 0.3, 0.6, 0.9, 1.0 }).reshape(6, 1);
        var expectedX = tensor(new[] { 0.0, 0.04, 0.1 + 0.2 * 0.2, 0.3 + 0.4 * 0.3, 0.6 + 0.6 * 0.4, 1.0 }).reshape(6, 1);
        var expectedLogDet = tensor(new[] { 0.4, 0.4, 0.8, 1.2, 1.6, 1.6 }).log();

        var (x, logDet) = layer.Forward(z);

        Numeric.AssertClose(expectedX, x, 1e-12, "f(z) for hand-set heights");
        Numeric.AssertClose(expectedLogDet, logDet, 1e-12, "log(K h_b) for hand-set heights");
        var (back, inverseLogDet) = layer.Inverse(x);
        Numeric.AssertClose(z, back, 1e-12, "inverse for hand-set heights, end points included");
        Numeric.AssertClose(-expectedLogDet, inverseLogDet, 1e-12, "inverse log-det for hand-set heights");
    }

    [Fact]
    public void Is_continuous_at_the_bin_edges()
    {
        using var layer = HandSet();
        using var scope = NewDisposeScope();
        var edges = tensor(new[] { 0.25, 0.5, 0.75 });
        var below = (edges - 1e-12).reshape(3, 1);
        var above = (edges + 1e-12).reshape(3, 1);

        Numeric.AssertClose(layer.Forward(below).x, layer.Forward(above).x, 1e-11, "f just below vs just above each bin edge");
        Numeric.AssertClose(tensor(new[] { 0.1, 0.3, 0.6 }).reshape(3, 1), layer.Forward(edges.reshape(3, 1)).x, 1e-12, "f at the edges is the cumulative height");
    }

    [Theory]
    [InlineData(1.5, "Forward")]
    [InlineData(-0.1, "Forward")]
    [InlineData(-0.1, "Inverse")]
    [InlineData(1.0000001, "Inverse")]
    public void Rejects_values_outside_the_unit_interval_naming_layer_and_range(double value, string method)
    {
        using var layer = new PiecewiseLinear(new PiecewiseLinearSpec { Shape = Shape.Vector(2) });
        using var scope = NewDisposeScope();
        var input = tensor(new[] { 0.5f, (float)value }).reshape(1, 2);

        var e = Assert.Throws<ArgumentException>(() => method == "Forward" ? layer.Forward(input) : layer.Inverse(input));

        Assert.Contains($"PiecewiseLinear.{method}", e.Message);
        Assert.Contains("[0, 1]", e.Message);
    }

    [Fact]
    public void Rejects_zero_bins()
    {
        var e = Assert.Throws<ArgumentException>(() => new PiecewiseLinear(new PiecewiseLinearSpec { Shape = Shape.Vector(2), Bins = 0 }));
        Assert.Contains("PiecewiseLinear.Bins", e.Message);
    }
}
