using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// A toy set whose density is known, so a trained flow's NLL can be read as a gap to the best possible NLL:
/// E[-log q(x)] = H(p) + KL(p || q) >= H(p), the entropy of the data (see <see cref="DataEntropy.GapOf"/>).
/// </summary>
public interface IKnownDensity
{
    /// <summary>
    /// log p(x) for <paramref name="x"/> of shape [n, 2] in any floating dtype, as [n] in x's dtype and on x's
    /// device; -inf outside the support. Computed in float64.
    /// </summary>
    Tensor LogDensity(Tensor x);

    /// <summary>H(p) = -E_p[log p(x)] in nats: exact where a closed form exists, else a seeded Monte Carlo estimate.</summary>
    DataEntropy Entropy { get; }
}

/// <summary>
/// The differential entropy of a data distribution in nats. <see cref="IsExact"/> marks a closed form (then
/// <see cref="StandardError"/> is 0); otherwise it is -mean log p over <see cref="Samples"/> fresh samples drawn with
/// <see cref="Seed"/>, and <see cref="StandardError"/> is sd(log p) / sqrt(Samples).
/// </summary>
public sealed record DataEntropy(double Nats, double StandardError, bool IsExact, long Samples, ulong Seed)
{
    public static DataEntropy Exact(double nats) => new(nats, 0, true, 0, 0);

    /// <summary>How far a mean NLL in nats (per 2-D point) lies above the best possible one, H(p); >= 0 up to noise.</summary>
    public double GapOf(double nllNats) => nllNats - Nats;

    /// <summary>The entropy after an affine map y = A x + b: H(y) = H(x) + log |det A| (<paramref name="logAbsDet"/>).</summary>
    public DataEntropy Shifted(double logAbsDet) => this with { Nats = Nats + logAbsDet };

    public override string ToString() => IsExact
        ? $"{Nats:F6} nats (exact)"
        : $"{Nats:F6} +- {StandardError:F6} nats (Monte Carlo, {Samples:N0} samples, seed {Seed})";
}
