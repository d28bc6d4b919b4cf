using FlowLive.Flows.Layers;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

/// <summary>The spline maths on its own: many independent elementwise splines with random parameters.</summary>
public sealed class RationalQuadraticSplineTests
{
    const double Bound = 2.0;
    const int Bins = 5;
    const double MinSize = RationalQuadraticSpline.DefaultMinBinWidth;

    /// <summary>Random unconstrained parameters for <paramref name="elements"/> splines, large enough to bend them well.</summary>
    static (Tensor widths, Tensor heights, Tensor derivatives) RandomParameters(long elements, Generator g) =>
        (randn(elements, Bins, dtype: float64, generator: g) * 1.5,
         randn(elements, Bins, dtype: float64, generator: g) * 1.5,
         randn(elements, Bins - 1, dtype: float64, generator: g) * 1.5);

    /// <summary>Each row repeated <paramref name="times"/>, so the same spline is evaluated at many inputs.</summary>
    static Tensor Repeat(Tensor rows, long times) => rows.unsqueeze(1).expand(rows.shape[0], times, rows.shape[1]);

    /// <summary>Interior x-knots of each spline, recomputed from the paper's formula to probe the spline there.</summary>
    static Tensor InteriorKnots(Tensor widths)
    {
        var sizes = MinSize + (1 - MinSize * Bins) * widths.softmax(-1);
        return 2 * Bound * sizes.cumsum(-1).narrow(-1, 0, Bins - 1) - Bound;
    }

    [Fact]
    public void Zero_parameters_give_the_identity_inside_and_outside_the_bound()
    {
        using var scope = NewDisposeScope();
        var x = linspace(-3, 3, 61, dtype: float64);
        var zero = zeros(61, Bins, dtype: float64);

        var (y, logDet) = RationalQuadraticSpline.Forward(x, zero, zero, zeros(61, Bins - 1, dtype: float64), Bound);

        Numeric.AssertClose(x, y, 1e-12, "spline with zero parameters");
        Numeric.AssertClose(zeros(61, dtype: float64), logDet, 1e-12, "log-det with zero parameters");
    }

    [Fact]
    public void Matches_hand_computed_values_of_eq_4_for_one_bent_knot()
    {
        using var scope = NewDisposeScope();
        // Two equal bins on [-1, 1], knots y = x, and derivative 2 at the middle knot (1 at the ends):
        // on the right bin y = (2 xi - xi^2) / (1 + xi - xi^2), so y(0.5) = 0.6 and dy/dx(0.5) = 1.25 / 1.5625 = 0.8.
        double raw = Math.Log(Math.Exp(2 - RationalQuadraticSpline.DefaultMinDerivative) - 1)
                     - Math.Log(Math.Exp(1 - RationalQuadraticSpline.DefaultMinDerivative) - 1);
        var x = tensor(new[] { -0.5, 0.5 });
        var zero = zeros(2, 2, dtype: float64);
        var derivative = full(2, 1, raw, dtype: float64);

        var (y, logDet) = RationalQuadraticSpline.Forward(x, zero, zero, derivative, 1.0);

        Numeric.AssertClose(tensor(new[] { -0.6, 0.6 }), y, 1e-12, "y at the middles of both bins");
        Numeric.AssertClose(tensor(new[] { Math.Log(0.8), Math.Log(0.8) }), logDet, 1e-12, "log dy/dx at the middles of both bins");
    }

    [Fact]
    public void Is_strictly_increasing_across_bins_and_tails()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(11);
        var (w, h, d) = RandomParameters(20, g);
        var x = linspace(-3, 3, 2001, dtype: float64).expand(20, 2001);

        var y = RationalQuadraticSpline.Forward(x, Repeat(w, 2001), Repeat(h, 2001), Repeat(d, 2001), Bound).outputs;

        using var smallestStep = y.diff(dim: 1).min();
        Assert.True(smallestStep.ToDouble() > 0, $"spline is not strictly increasing: smallest step {smallestStep.ToDouble():E3}");
    }

    [Fact]
    public void Value_and_derivative_are_continuous_at_every_knot_and_at_the_tails()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(12);
        var (w, h, d) = RandomParameters(20, g);
        // Bins as narrow as the minimum make the log-derivative change fast (up to ~1e4 per unit here), hence a tiny eps;
        // a real discontinuity would show as a jump of order one whatever eps is.
        const double eps = 1e-10;
        // The interior knots, then both ends of the interval where the spline meets the identity tails.
        var knots = cat([InteriorKnots(w), full(20, 1, -Bound, dtype: float64), full(20, 1, Bound, dtype: float64)], 1);
        long n = knots.shape[1];
        var (ww, hh, dd) = (Repeat(w, n), Repeat(h, n), Repeat(d, n));

        var (below, logDetBelow) = RationalQuadraticSpline.Forward(knots - eps, ww, hh, dd, Bound);
        var (above, logDetAbove) = RationalQuadraticSpline.Forward(knots + eps, ww, hh, dd, Bound);

        Numeric.AssertClose(below, above, 1e-6, "spline value just below vs just above each knot");
        Numeric.AssertClose(logDetBelow, logDetAbove, 1e-5, "log-derivative just below vs just above each knot");
        var ends = TensorIndex.Slice(Bins - 1, null);
        Numeric.AssertClose(knots[TensorIndex.Colon, ends], above[TensorIndex.Colon, ends], 1e-6, "spline meets the identity at -B and B");
        Numeric.AssertClose(zeros(20, 2, dtype: float64), logDetAbove[TensorIndex.Colon, ends], 1e-5, "slope 1 at -B and B");
    }

    [Fact]
    public void Log_det_is_the_log_of_the_autograd_derivative()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(13);
        var (w, h, d) = RandomParameters(200, g);
        var x = (randn(200, dtype: float64, generator: g) * 2).requires_grad_(true);

        var (y, logDet) = RationalQuadraticSpline.Forward(x, w, h, d, Bound);
        var derivative = autograd.grad([y.sum()], [x])[0];

        Numeric.AssertClose(derivative.log(), logDet.detach(), 1e-10, "log-det vs log of the autograd derivative");
    }

    [Fact]
    public void Inverse_undoes_forward_with_minus_its_log_det_including_tails()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(14);
        var (w, h, d) = RandomParameters(500, g);
        var x = randn(500, dtype: float64, generator: g) * 2.5;

        var (y, logDet) = RationalQuadraticSpline.Forward(x, w, h, d, Bound);
        var (back, inverseLogDet) = RationalQuadraticSpline.Inverse(y, w, h, d, Bound);

        Numeric.AssertClose(x, back, 1e-10, "inverse(forward(x))");
        Numeric.AssertClose(-logDet, inverseLogDet, 1e-9, "inverse log-det vs minus forward");
        using var outside = x.abs().gt(Bound).sum();
        Assert.True(outside.ToInt64() > 50, "the test should put many inputs in the tails");
    }

    [Fact]
    public void Rejects_parameter_counts_that_do_not_fit_K_K_and_K_minus_1()
    {
        using var scope = NewDisposeScope();
        var x = zeros(3, dtype: float64);
        var e = Assert.Throws<ArgumentException>(() =>
            RationalQuadraticSpline.Forward(x, zeros(3, 4), zeros(3, 4), zeros(3, 4), Bound));
        Assert.Contains("K-1 derivatives", e.Message);
        Assert.Throws<ArgumentException>(() => RationalQuadraticSpline.Forward(x, zeros(2, 4), zeros(2, 4), zeros(2, 3), Bound));
        Assert.Throws<ArgumentException>(() => RationalQuadraticSpline.Forward(x, zeros(3, 4), zeros(3, 4), zeros(3, 3), Bound, minBinWidth: 0.25));
    }
}
