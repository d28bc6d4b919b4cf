using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class RationalQuadraticSplineCouplingTests
{
    static readonly SubnetSpec Small = new() { Hidden = 16, Depth = 1 };

    /// <summary>A layer in float64 whose conditioner weights are all drawn from a fixed seed, so its splines are bent, always alike.</summary>
    static RationalQuadraticSplineCoupling Bent(RationalQuadraticSplineCouplingSpec spec, double scale = 0.3)
    {
        var layer = new RationalQuadraticSplineCoupling(spec);
        layer.to(float64);
        var g = new Generator(5);
        using var _ = no_grad();
        foreach (var p in layer.parameters()) p.copy_(randn(p.shape, dtype: float64, generator: g) * scale);
        return layer;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Starts_as_the_identity_inside_and_outside_the_bound(bool image)
    {
        var shape = image ? Shape.Image(4, 3, 3) : Shape.Vector(5);
        using var layer = new RationalQuadraticSplineCoupling(new() { Shape = shape, Net = Small, Bound = 1.5 });
        layer.to(float64);
        using var scope = NewDisposeScope();
        var z = randn(shape.WithBatch(6), dtype: float64) * 3;

        var (x, logDet) = layer.Forward(z);

        Numeric.AssertClose(z, x, 1e-12, "new spline coupling");
        Numeric.AssertClose(zeros(6, dtype: float64), logDet, 1e-12, "log-det of a new spline coupling");
    }

    [Fact]
    public void Keeps_the_conditioning_half_and_bends_only_the_other()
    {
        using var layer = Bent(new() { Shape = Shape.Vector(4), Net = Small, Bound = 3 });
        using var scope = NewDisposeScope();
        var z = randn(8, 4, dtype: float64);

        var x = layer.Forward(z).x;

        Numeric.AssertBitIdentical(z.narrow(1, 0, 2), x.narrow(1, 0, 2), "conditioning half");
        Assert.True(Numeric.MaxAbsDiff(z.narrow(1, 2, 2), x.narrow(1, 2, 2)) > 1e-2, "the transformed half should move once weights are perturbed");
    }

    [Fact]
    public void Transformed_half_is_increasing_and_continuous_for_a_fixed_condition_tails_included()
    {
        using var layer = Bent(new() { Shape = Shape.Vector(2), Net = Small, Bins = 6, Bound = 2 });
        using var scope = NewDisposeScope();
        var grid = linspace(-4, 4, 4001, dtype: float64);
        var z = stack([full(4001, 0.7, dtype: float64), grid], 1);

        var (x, logDet) = layer.Forward(z);
        var y = x.select(1, 1);

        var steps = y.diff();
        using var smallest = steps.min();
        Assert.True(smallest.ToDouble() > 0, $"not increasing: smallest step {smallest.ToDouble():E3}");
        // No jumps: every step must be what the derivative (the log-det here, one transformed element) accounts for.
        // The trapezoid rule errs by step^3 f''/12, far below any jump worth the name.
        var derivative = logDet.exp();
        var trapezoid = (derivative.narrow(0, 0, 4000) + derivative.narrow(0, 1, 4000)) * (0.5 * 0.002);
        Numeric.AssertClose(trapezoid, steps, 1e-3, "steps of the spline vs the integral of its derivative");
        var tails = grid.abs().gt(2);
        Numeric.AssertBitIdentical(grid.masked_select(tails), y.masked_select(tails), "identity tails outside [-B, B]");
        Assert.True(Numeric.MaxAbsDiff(grid, y) > 1e-2, "the spline part should be bent");
    }

    [Fact]
    public void Image_channels_split_in_halves_and_the_first_half_may_be_the_transformed_one()
    {
        using var layer = Bent(new() { Shape = Shape.Image(3, 2, 2), Net = Small, TransformFirstHalf = true, Bins = 4, Bound = 2 });
        using var scope = NewDisposeScope();
        var z = randn(4, 3, 2, 2, dtype: float64);

        var (x, logDet) = layer.Forward(z);

        // Three channels: floor(3/2) = 1 channel is transformed when the first half is, the last two condition.
        Numeric.AssertBitIdentical(z.narrow(1, 1, 2), x.narrow(1, 1, 2), "conditioning channels");
        Assert.True(Numeric.MaxAbsDiff(z.narrow(1, 0, 1), x.narrow(1, 0, 1)) > 1e-2, "the first channel should move");
        Numeric.AssertClose(z, layer.Inverse(x).z, 1e-10, "image round trip");
        Numeric.AssertClose(-logDet, layer.Inverse(x).logDet, 1e-10, "image inverse log-det");
    }

    [Fact]
    public void Round_trips_in_float32_as_used_in_training_up_to_the_rounding_of_x()
    {
        using var layer = Bent(new() { Shape = Shape.Vector(2), Net = Small, Bins = 8, Bound = 3 });
        layer.to(float32);
        using var scope = NewDisposeScope();
        var z = randn(1000, 2, generator: new Generator(3)) * 2;

        var (x, logDet) = layer.Forward(z);
        var (back, inverseLogDet) = layer.Inverse(x);

        // Where a bent spline is nearly flat (slopes down to MinDerivative), rounding x to float32 moves its inverse
        // by eps / f'(z); measured on the data side, through the derivative (the log-det: one transformed element),
        // the error must be rounding-sized everywhere.
        var dataSideError = (back - z).select(1, 1).abs() * logDet.exp();
        using var worst = dataSideError.max();
        Assert.True(worst.ToDouble() < 1e-5, $"float32 round trip error, times f'(z), reaches {worst.ToDouble():E3}");
        Numeric.AssertClose(x, layer.Forward(back).x, 1e-5, "float32 F(F^-1(x))");
        Numeric.AssertClose(-logDet, inverseLogDet, 1e-3, "float32 inverse log-det");
    }

    [Fact]
    public void Alternating_specs_transform_both_halves()
    {
        var specs = RationalQuadraticSplineCouplingSpec.Alternating(Shape.Vector(4), 3);
        Assert.Equal(new[] { false, true, false }, specs.Select(s => s.TransformFirstHalf));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(1L, 4L, 4L)]
    [InlineData(2L, 2L)]
    public void Rejects_shapes_without_two_halves_naming_the_shape(params long[] dims)
    {
        var shape = new Shape(dims);
        var e = Assert.Throws<FlowShapeException>(() => new RationalQuadraticSplineCoupling(new() { Shape = shape }));
        Assert.Contains(shape.ToString(), e.Message);
        Assert.Contains("RationalQuadraticSplineCoupling", e.Message);
    }

    [Fact]
    public void Rejects_bad_spline_settings()
    {
        var vector = Shape.Vector(4);
        Assert.Contains("Bins", Assert.Throws<ArgumentException>(() => new RationalQuadraticSplineCoupling(new() { Shape = vector, Bins = 1 })).Message);
        Assert.Contains("Bound", Assert.Throws<ArgumentException>(() => new RationalQuadraticSplineCoupling(new() { Shape = vector, Bound = 0 })).Message);
        Assert.Contains("MinBinWidth", Assert.Throws<ArgumentException>(() => new RationalQuadraticSplineCoupling(new() { Shape = vector, Bins = 4, MinBinWidth = 0.25 })).Message);
        Assert.Contains("MinDerivative", Assert.Throws<ArgumentException>(() => new RationalQuadraticSplineCoupling(new() { Shape = vector, MinDerivative = 1 })).Message);
    }
}
