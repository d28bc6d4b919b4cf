using FlowLive.Data.Toy;
using static FlowLive.Tests.Data.Toy.ToyTestSupport;
using static TorchSharp.torch;

namespace FlowLive.Tests.Data.Toy;

/// <summary>The two toy sets of the DTU 02460 course's ToyData.py: their samples, densities and entropies.</summary>
public sealed class DtuToyTests
{
    static (double X, double Y)[] Draw(IToyDataset set, long n, ulong seed)
    {
        using var g = new Generator(seed);
        using var points = set.Sample(n, g);
        var v = Values(points);
        return [.. Enumerable.Range(0, (int)n).Select(i => (v[2 * i], v[2 * i + 1]))];
    }

    [Fact]
    public void Chequerboard_is_exactly_9_over_5_on_the_five_cells_and_minus_infinity_elsewhere()
    {
        var set = new DtuChequerboard();
        Assert.Equal(new[] { (0, 0), (0, 2), (1, 1), (2, 0), (2, 2) }, DtuChequerboard.Cells);
        double third = 1.0 / 3;
        (double, double)[] inside = [(0.1, 0.1), (0.2, 0.9), (0.5, 0.5), (0.9, 0.1), (0.99, 0.99), (0, 0), (1, 1), (0.4, 0.6), (0.5, third + 1e-9)];
        (double, double)[] outside = [(0.5, 0.1), (0.1, 0.5), (0.9, 0.5), (0.5, 0.9), (-0.01, 0.1), (0.1, -0.01), (1.01, 0.5), (1.5, 1.5), (-3, 7), (0.5, third - 1e-9)];
        using var x = tensor(inside.Concat(outside).SelectMany(p => new[] { p.Item1, p.Item2 }).ToArray(), [inside.Length + outside.Length, 2], ScalarType.Float64);
        var logp = LogDensities(set, x);
        Assert.All(logp.Take(inside.Length), v => Assert.Equal(Math.Log(9.0 / 5), v));
        Assert.All(logp.Skip(inside.Length), v => Assert.Equal(double.NegativeInfinity, v));
        Assert.Equal(Math.Log(5.0 / 9), set.Entropy.Nats);
        Assert.True(set.Entropy.IsExact);
    }

    [Fact]
    public void Chequerboard_samples_fill_the_five_cells_evenly()
    {
        var points = Draw(new DtuChequerboard(), 50_000, 4);
        Assert.All(points, p => Assert.True(p.X is >= 0 and <= 1 && p.Y is >= 0 and <= 1, $"({p.X}, {p.Y}) outside [0, 1]^2"));
        var byCell = points.GroupBy(p => ((int)Math.Floor(p.X * 3), (int)Math.Floor(p.Y * 3))).ToDictionary(c => c.Key, c => c.Count());
        Assert.Equal(DtuChequerboard.Cells.Order(), byCell.Keys.Order());
        Assert.All(byCell.Values, count => Assert.InRange(count, 9_500, 10_500));  // 10,000 +- 5 sd
    }

    [Fact]
    public void Two_gaussians_recover_weights_means_and_std_from_a_large_sample()
    {
        var points = Draw(new DtuTwoGaussians(), 200_000, 6);
        var upper = points.Where(p => p.X + p.Y > 1).ToList();  // the (0.75, 0.75) side; about 2e-4 of each component falls across
        var lower = points.Where(p => p.X + p.Y <= 1).ToList();
        Assert.InRange(upper.Count / 200_000.0, 0.2 - 0.0045, 0.2 + 0.0045);  // +- 5 sd of a binomial proportion
        foreach (var (cluster, (mx, my)) in new[] { (upper, DtuTwoGaussians.Means[0]), (lower, DtuTwoGaussians.Means[1]) })
        {
            Assert.InRange(cluster.Average(p => p.X), mx - 0.002, mx + 0.002);
            Assert.InRange(cluster.Average(p => p.Y), my - 0.002, my + 0.002);
            Assert.InRange(Math.Sqrt(cluster.Average(p => (p.X - mx) * (p.X - mx))), 0.098, 0.102);
            Assert.InRange(Math.Sqrt(cluster.Average(p => (p.Y - my) * (p.Y - my))), 0.098, 0.102);
        }
    }

    [Fact]
    public void Two_gaussians_density_is_the_course_mixture()
    {
        (double X, double Y)[] at = [(0.75, 0.75), (0.25, 0.25), (0.5, 0.5), (0.3, 0.9), (3, -2)];
        using var x = tensor(at.SelectMany(p => new[] { p.X, p.Y }).ToArray(), [at.Length, 2], ScalarType.Float64);
        var logp = LogDensities(new DtuTwoGaussians(), x);
        for (int i = 0; i < at.Length; i++)
        {
            double N(double mx, double my) =>
                Math.Exp(-((at[i].X - mx) * (at[i].X - mx) + (at[i].Y - my) * (at[i].Y - my)) / (2 * 0.01)) / (2 * Math.PI * 0.01);
            double expected = Math.Log(0.2 * N(0.75, 0.75) + 0.8 * N(0.25, 0.25));
            Assert.True(Math.Abs(logp[i] - expected) < 1e-12 * Math.Max(1, Math.Abs(expected)), $"at {at[i]}: {logp[i]} vs {expected}");
        }
        // Far out the mixture is still finite in log space (log-sum-exp), not log 0.
        Assert.True(double.IsFinite(logp[^1]));
    }

    [Fact]
    public void Two_gaussians_entropy_is_a_seeded_monte_carlo_estimate_between_the_bounds()
    {
        var entropy = new DtuTwoGaussians().Entropy;
        Assert.False(entropy.IsExact);
        Assert.Equal(1_000_000, entropy.Samples);
        Assert.Equal(entropy, new DtuTwoGaussians().Entropy);  // same seed, same number
        // Well separated components: H = H(weights) + log(2 pi e sigma^2) up to the (tiny) overlap.
        double separated = -(0.2 * Math.Log(0.2) + 0.8 * Math.Log(0.8)) + Math.Log(2 * Math.PI * Math.E * 0.01);
        Assert.True(Math.Abs(entropy.Nats - separated) < 5 * entropy.StandardError + 1e-3, $"{entropy} vs separated-modes value {separated:F6}");
    }
}
