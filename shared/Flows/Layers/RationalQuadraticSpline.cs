using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

/// <summary>
/// The monotone rational-quadratic spline of Durkan et al. 2019, "Neural Spline Flows" (section 3.1, eqs. 4-7,
/// appendix A), applied elementwise on [-bound, bound] with identity tails outside.
///
/// Each element has its own spline, given by unconstrained parameters in the last dimension: K bin widths, K bin
/// heights and K-1 interior knot derivatives (3K-1 numbers). Widths and heights go through a softmax and a minimum bin
/// size; interior derivatives are minDerivative + softplus(raw + c) with c = log(exp(1 - minDerivative) - 1), so that
/// raw = 0 gives exactly 1. The two boundary derivatives are fixed to 1, which makes the spline meet the identity
/// tails with a continuous derivative. All-zero parameters therefore give uniform bins with unit slopes everywhere:
/// the identity map, which is why a zero-initialised conditioner starts a spline coupling as the identity.
///
/// Public (not internal) so that the tests and other spline layers (autoregressive, conditional) can use it directly;
/// each call owns a dispose scope, so only its two results outlive it.
/// </summary>
public static class RationalQuadraticSpline
{
    public const double DefaultMinBinWidth = 1e-3;
    public const double DefaultMinBinHeight = 1e-3;
    public const double DefaultMinDerivative = 1e-3;

    /// <summary>Number of unconstrained parameters per element for <paramref name="bins"/> bins: 3K - 1.</summary>
    public static int ParameterCount(int bins) => 3 * bins - 1;

    /// <summary>
    /// y = spline(x) elementwise, with log|dy/dx| per element (same shape as <paramref name="inputs"/>).
    /// <paramref name="widths"/> and <paramref name="heights"/> have shape [..inputs, K], <paramref name="derivatives"/>
    /// [..inputs, K-1]; all unconstrained. Elements outside [-bound, bound] pass through unchanged with log-det 0.
    /// </summary>
    public static (Tensor outputs, Tensor logAbsDet) Forward(
        Tensor inputs, Tensor widths, Tensor heights, Tensor derivatives, double bound,
        double minBinWidth = DefaultMinBinWidth, double minBinHeight = DefaultMinBinHeight,
        double minDerivative = DefaultMinDerivative)
    {
        using var scope = NewDisposeScope();
        var knots = Knots.From(inputs, widths, heights, derivatives, bound, minBinWidth, minBinHeight, minDerivative);
        var inside = inputs.ge(-bound).logical_and(inputs.le(bound));
        // The tails are handled by where(); clamping keeps the unused spline branch finite so its gradient is too.
        var x = inputs.clamp(-bound, bound);
        var bin = knots.BinOf(x, knots.XKnots);
        var (x0, w, y0, h, slope, d0, d1) = knots.Gather(bin);

        // Eq. 4: y = y0 + h [s xi^2 + d0 xi (1 - xi)] / [s + (d1 + d0 - 2 s) xi (1 - xi)], xi = (x - x0) / w.
        var xi = (x - x0) / w;
        var xiOneMinusXi = xi * (1 - xi);
        var denominator = slope + (d1 + d0 - 2 * slope) * xiOneMinusXi;
        var y = y0 + h * (slope * xi.square() + d0 * xiOneMinusXi) / denominator;
        var logDet = LogDerivative(xi, xiOneMinusXi, slope, d0, d1, denominator);
        return (where(inside, y, inputs).MoveToOuterDisposeScope(), where(inside, logDet, zeros_like(logDet)).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// x = spline^-1(y) elementwise, with log|dx/dy| per element (minus the forward log-det at x). Same parameter
    /// layout as <see cref="Forward"/>; the spline maps [-bound, bound] onto itself, so the tails match.
    /// </summary>
    public static (Tensor outputs, Tensor logAbsDet) Inverse(
        Tensor inputs, Tensor widths, Tensor heights, Tensor derivatives, double bound,
        double minBinWidth = DefaultMinBinWidth, double minBinHeight = DefaultMinBinHeight,
        double minDerivative = DefaultMinDerivative)
    {
        using var scope = NewDisposeScope();
        var knots = Knots.From(inputs, widths, heights, derivatives, bound, minBinWidth, minBinHeight, minDerivative);
        var inside = inputs.ge(-bound).logical_and(inputs.le(bound));
        var y = inputs.clamp(-bound, bound);
        var bin = knots.BinOf(y, knots.YKnots);
        var (x0, w, y0, h, slope, d0, d1) = knots.Gather(bin);

        // Appendix A: xi solves a xi^2 + b xi + c = 0 in [0, 1]; the root 2c / (-b - sqrt(b^2 - 4ac)) avoids the
        // cancellation of the textbook form when a is near zero (a = 0 exactly for a straight bin).
        var dy = y - y0;
        var curvature = d1 + d0 - 2 * slope;
        var a = dy * curvature + h * (slope - d0);
        var b = h * d0 - dy * curvature;
        var c = -slope * dy;
        var discriminant = (b.square() - 4 * a * c).clamp_min(0);
        var xi = (2 * c / (-b - discriminant.sqrt())).clamp(0, 1);
        var x = x0 + xi * w;

        var xiOneMinusXi = xi * (1 - xi);
        var denominator = slope + curvature * xiOneMinusXi;
        var logDet = -LogDerivative(xi, xiOneMinusXi, slope, d0, d1, denominator);
        return (where(inside, x, inputs).MoveToOuterDisposeScope(), where(inside, logDet, zeros_like(logDet)).MoveToOuterDisposeScope());
    }

    // Eq. 5: dy/dx = s^2 [d1 xi^2 + 2 s xi (1 - xi) + d0 (1 - xi)^2] / denominator^2.
    static Tensor LogDerivative(Tensor xi, Tensor xiOneMinusXi, Tensor slope, Tensor d0, Tensor d1, Tensor denominator) =>
        (slope.square() * (d1 * xi.square() + 2 * slope * xiOneMinusXi + d0 * (1 - xi).square())).log()
        - 2 * denominator.log();

    /// <summary>Knot positions [.., K+1] on both axes and knot derivatives [.., K+1] of every element's spline.</summary>
    readonly record struct Knots(Tensor XKnots, Tensor YKnots, Tensor Derivatives)
    {
        public static Knots From(Tensor inputs, Tensor widths, Tensor heights, Tensor derivatives, double bound,
            double minBinWidth, double minBinHeight, double minDerivative)
        {
            long bins = widths.shape[^1];
            foreach (var parameters in new[] { widths, heights, derivatives })
                if (!parameters.shape[..^1].SequenceEqual(inputs.shape))
                    throw new ArgumentException(
                        $"RationalQuadraticSpline: parameters must have shape [..inputs, n] for inputs {Shape.Format(inputs.shape)}, got {Shape.Format(parameters.shape)}");
            if (bins < 1)
                throw new ArgumentException("RationalQuadraticSpline: at least one bin is needed");
            if (heights.shape[^1] != bins || derivatives.shape[^1] != bins - 1)
                throw new ArgumentException(
                    $"RationalQuadraticSpline: expected K widths, K heights and K-1 derivatives, got {widths.shape[^1]}, {heights.shape[^1]} and {derivatives.shape[^1]}");
            if (!(bound > 0 && double.IsFinite(bound)))
                throw new ArgumentException($"RationalQuadraticSpline: the bound must be positive and finite, got {bound}");
            if (!(minBinWidth >= 0 && minBinWidth * bins < 1) || !(minBinHeight >= 0 && minBinHeight * bins < 1))
                throw new ArgumentException(
                    $"RationalQuadraticSpline: minimum bin sizes must be in [0, 1/K) for K = {bins}, got width {minBinWidth}, height {minBinHeight}");
            if (!(minDerivative > 0 && minDerivative < 1))
                throw new ArgumentException($"RationalQuadraticSpline: the minimum derivative must be in (0, 1), got {minDerivative}");

            var boundary = ones_like(widths.narrow(-1, 0, 1));
            double unitAtZero = Math.Log(Math.Exp(1 - minDerivative) - 1);
            var interior = nn.functional.softplus(derivatives + unitAtZero) + minDerivative;
            return new(
                Positions(widths, bound, minBinWidth, boundary),
                Positions(heights, bound, minBinHeight, boundary),
                cat([boundary, interior, boundary], -1));
        }

        /// <summary>Softmax sizes with a minimum, accumulated into knots whose ends are exactly -bound and bound.</summary>
        static Tensor Positions(Tensor unnormalized, double bound, double minSize, Tensor ones)
        {
            long bins = unnormalized.shape[^1];
            var sizes = minSize + (1 - minSize * bins) * unnormalized.softmax(-1);
            var inner = 2 * bound * sizes.cumsum(-1).narrow(-1, 0, bins - 1) - bound;
            return cat([-bound * ones, inner, bound * ones], -1);
        }

        /// <summary>The bin of each value: how many interior knots lie at or below it, in 0..K-1.</summary>
        public Tensor BinOf(Tensor values, Tensor knots)
        {
            long bins = knots.shape[^1] - 1;
            return values.unsqueeze(-1).ge(knots.narrow(-1, 1, bins - 1)).sum(-1, keepdim: true);
        }

        /// <summary>x0, bin width, y0, bin height, bin slope h/w and the derivatives at both ends of each value's bin.</summary>
        public (Tensor x0, Tensor w, Tensor y0, Tensor h, Tensor slope, Tensor d0, Tensor d1) Gather(Tensor bin)
        {
            var next = bin + 1;
            var x0 = XKnots.gather(-1, bin).squeeze(-1);
            var w = XKnots.gather(-1, next).squeeze(-1) - x0;
            var y0 = YKnots.gather(-1, bin).squeeze(-1);
            var h = YKnots.gather(-1, next).squeeze(-1) - y0;
            return (x0, w, y0, h, h / w, Derivatives.gather(-1, bin).squeeze(-1), Derivatives.gather(-1, next).squeeze(-1));
        }
    }
}
