using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// log p(x) = logsumexp_k [log w_k - |x - mu_k|^2 / (2 sigma^2)] - log(2 pi sigma^2): a mixture of 2-D Gaussians that
/// share one standard deviation sigma per axis.
/// </summary>
static class IsotropicGaussianMixture
{
    /// <param name="x">float64 [n, 2].</param>
    /// <param name="weights">Mixture weights summing to 1.</param>
    /// <param name="means">One (x, y) centre per weight.</param>
    public static Tensor LogDensity(Tensor x, IReadOnlyList<double> weights, IReadOnlyList<(double X, double Y)> means, double std)
    {
        var centres = tensor(means.SelectMany(m => new[] { m.X, m.Y }).ToArray(), [means.Count, 2], ScalarType.Float64);
        var logWeights = tensor(weights.Select(w => Math.Log(w)).ToArray(), ScalarType.Float64);
        var squared = (x.unsqueeze(1) - centres).square().sum(-1);  // [n, K]
        return (logWeights - squared / (2 * std * std)).logsumexp(1) - Math.Log(2 * Math.PI * std * std);
    }
}
