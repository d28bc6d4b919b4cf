using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// Two isotropic Gaussians of standard deviation <see cref="Std"/> centred at (-2, 0) and (2, 0), equally likely:
/// the bimodal target that a unimodal base must be bent into (compare GaussianMixtureSpec.Bimodal).
/// Entropy: Monte Carlo over 10^6 seeded samples (about log 2 + log(2 pi e Std^2) while the modes barely overlap).
/// </summary>
public sealed class TwoGaussians(double std = 0.5) : KnownDensityToyDataset
{
    public const double CentreX = 2.0;
    public double Std { get; } = std > 0 ? std : throw new ArgumentOutOfRangeException(nameof(std), "TwoGaussians: std must be > 0");
    public override string Name => "two_gaussians";
    public override string Description => $"two Gaussians at (+-{CentreX}, 0), std {Std}";

    protected override Tensor SampleCore(long n, Generator g)
    {
        var sign = Integers(n, 0, 2, g) * 2 - 1;
        var centres = stack([sign * CentreX, zeros(n, dtype: float32)], 1);
        return centres + randn([n, 2], dtype: float32, generator: g) * Std;
    }

    protected override Tensor LogDensityCore(Tensor x) =>
        IsotropicGaussianMixture.LogDensity(x, [0.5, 0.5], [(-CentreX, 0), (CentreX, 0)], Std);
}
