using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// Two interleaved half circles (scikit-learn's make_moons): the upper (cos t, sin t) and the lower
/// (1 - cos t, 1/2 - sin t), t uniform in [0, pi], each point on either with probability 1/2, plus Gaussian noise,
/// then mapped by 2p + (-1, -0.2) as in FFJORD's toy data (Grathwohl et al. 2019), giving about [-3, 3] x [-1.2, 1.8].
/// Its density is <see cref="Moons"/>' under that map: log p(y) = log p_moons((y - (-1, -0.2)) / 2) - 2 log 2, and
/// H = H_moons + 2 log 2 (Monte Carlo, as for <see cref="Moons"/>).
/// </summary>
public sealed class TwoMoons(double noise = 0.1) : KnownDensityToyDataset
{
    static readonly double LogDetScale = 2 * Math.Log(2);
    public double Noise { get; } = noise >= 0 ? noise : throw new ArgumentOutOfRangeException(nameof(noise), "TwoMoons: noise must be >= 0");
    public override string Name => "two_moons";
    public override string Description => $"two interleaved half circles, noise {Noise}";

    /// <summary><see cref="Moons"/>' continuous sampler, the same draws from <paramref name="g"/>, mapped by 2p + (-1, -0.2).</summary>
    protected override Tensor SampleCore(long n, Generator g) =>
        Moons.SampleContinuous(n, Noise, g) * 2 + tensor(new float[] { -1f, -0.2f });

    protected override Tensor LogDensityCore(Tensor x)
    {
        if (Noise == 0)
            throw new InvalidOperationException("two_moons: with noise 0 all mass lies on the two curves, so there is no density; use noise > 0");
        var unscaled = (x - tensor(new[] { -1.0, -0.2 }, ScalarType.Float64)) / 2;
        return MoonsDensity.LogDensity(unscaled, Noise) - LogDetScale;
    }

    protected override long EntropySamples => 200_000;
}
