using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// The density of scikit-learn's two moons as a continuous distribution: a moon m in {outer, inner} with probability
/// 1/2, t uniform on [0, pi], the point c_m(t) (outer (cos t, sin t), inner (1 - cos t, 1/2 - sin t)) plus isotropic
/// Gaussian noise of std sigma, so
/// <c>p(x) = sum_m (1/2) (1/pi) integral_0^pi N(x; c_m(t), sigma^2 I) dt</c>.
/// The integral is composite Gauss-Legendre in t in float64, evaluated as a log-sum-exp over the nodes so far points
/// stay finite. The integrand is a bump of width about sigma in t (both curves have unit speed), so panels of
/// width at most 3 sigma with 10 nodes each keep the relative error of p below 1e-7 wherever the mass is (log p
/// within 30 nats of its maximum, i.e. out to 7 sigma from the moons). Farther out the integrand becomes a spike at an
/// end of the arc narrower than a panel, and only the log density stays accurate (relative error of log p below
/// 1e-4); such points have p below e^-30 of the peak. Both are checked in the tests against a rule four times finer
/// of order 12.
/// </summary>
public static class MoonsDensity
{
    public const int Order = 10;
    /// <summary>Points times nodes per batch, so memory stays near 2^21 doubles per temporary whatever n is.</summary>
    const long ElementsPerBatch = 1L << 21;

    /// <summary>Panels of the default rule for noise <paramref name="sigma"/>: width at most 3 sigma, at least 8.</summary>
    public static int Panels(double sigma) => Math.Max(8, (int)Math.Ceiling(Math.PI / (3 * sigma)));

    /// <summary>log p(x) for float64 [n, 2] points in sklearn's coordinates; -inf never occurs for sigma > 0.</summary>
    public static Tensor LogDensity(Tensor x, double sigma) => LogDensity(x, sigma, Panels(sigma), Order);

    /// <summary>As <see cref="LogDensity(Tensor, double)"/> with an explicit rule (for convergence checks).</summary>
    public static Tensor LogDensity(Tensor x, double sigma, int panels, int order)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        using var outer = NewDisposeScope();
        var (nodes, weights) = GaussLegendre.Composite(0, Math.PI, panels, order);
        var t = tensor(nodes, ScalarType.Float64);
        var curveX = cat([cos(t), 1 - cos(t)]);
        var curveY = cat([sin(t), 0.5 - sin(t)]);
        var logWeight = tensor(weights, ScalarType.Float64).log().repeat(2) + Math.Log(1 / (2 * Math.PI));  // 1/2 per moon, 1/pi per t
        double inverseTwoVariance = 1 / (2 * sigma * sigma);
        double logNormaliser = Math.Log(2 * Math.PI * sigma * sigma);

        long n = x.shape[0], batch = Math.Max(1, ElementsPerBatch / curveX.shape[0]);
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += batch)
        {
            using var scope = NewDisposeScope();
            var block = x.narrow(0, start, Math.Min(batch, n - start));
            var dx = block[.., 0..1] - curveX;  // [b, nodes]
            var dy = block[.., 1..2] - curveY;
            var logp = (logWeight - (dx.square() + dy.square()) * inverseTwoVariance).logsumexp(1) - logNormaliser;
            parts.Add(logp.MoveToOuterDisposeScope());
        }
        return (parts.Count == 0 ? empty([0], ScalarType.Float64) : cat(parts)).MoveToOuterDisposeScope();
    }
}
