using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// Eight equally likely Gaussians on a circle of radius 2 sqrt 2 at angles k pi / 4, standard deviation 0.5 / sqrt 2:
/// FFJORD's "8gaussians" (Grathwohl et al. 2019, toy data: centres at radius 4 and std 0.5, all divided by 1.414).
/// Entropy: Monte Carlo over 10^6 seeded samples.
/// </summary>
public sealed class EightGaussians : KnownDensityToyDataset
{
    public static readonly double Radius = 2 * Math.Sqrt(2);
    public static readonly double Std = 0.5 / Math.Sqrt(2);
    public override string Name => "eight_gaussians";
    public override string Description => "eight Gaussians on a circle of radius 2.83";

    protected override Tensor SampleCore(long n, Generator g)
    {
        var angle = Integers(n, 0, 8, g) * (Math.PI / 4);
        var centres = stack([cos(angle), sin(angle)], 1) * Radius;
        return centres + randn([n, 2], dtype: float32, generator: g) * Std;
    }

    static readonly (double X, double Y)[] Centres =
        [.. Enumerable.Range(0, 8).Select(k => (Radius * Math.Cos(k * Math.PI / 4), Radius * Math.Sin(k * Math.PI / 4)))];

    protected override Tensor LogDensityCore(Tensor x) =>
        IsotropicGaussianMixture.LogDensity(x, Enumerable.Repeat(1.0 / 8, 8).ToArray(), Centres, Std);
}
