using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// The uneven mixture of two Gaussians of the DTU course 02460 Advanced Machine Learning (Jeha and Frellsen 2024,
/// ToyData.py, class TwoGaussians): weight 1/5 on mean (0.75, 0.75) and 4/5 on mean (0.25, 0.25), standard deviation
/// 0.1 per axis, plotted on [0, 1]^2. Verified against the course code: Categorical([1/5, 4/5]) over the component
/// means [[0.75, 0.75], [0.25, 0.25]] in that order, so the small weight goes with the upper-right mean.
/// No closed-form entropy (the mixture's log-sum-exp): a Monte Carlo estimate over 10^6 seeded samples.
/// </summary>
public sealed class DtuTwoGaussians : KnownDensityToyDataset
{
    public static IReadOnlyList<double> Weights { get; } = [0.2, 0.8];
    public static IReadOnlyList<(double X, double Y)> Means { get; } = [(0.75, 0.75), (0.25, 0.25)];
    public const double Std = 0.1;
    public override string Name => "dtu_two_gaussians";
    public override string Description => "DTU 02460: Gaussians at (0.75, 0.75) w 1/5 and (0.25, 0.25) w 4/5, std 0.1";

    protected override Tensor SampleCore(long n, Generator g)
    {
        var first = (Uniform(n, g) < Weights[0]).to(float32).unsqueeze(1);  // 1 for the (0.75, 0.75) component
        var centres = first * tensor(new[] { (float)Means[0].X, (float)Means[0].Y })
                      + (1 - first) * tensor(new[] { (float)Means[1].X, (float)Means[1].Y });
        return centres + randn([n, 2], dtype: float32, generator: g) * Std;
    }

    protected override Tensor LogDensityCore(Tensor x) => IsotropicGaussianMixture.LogDensity(x, Weights, Means, Std);
}
