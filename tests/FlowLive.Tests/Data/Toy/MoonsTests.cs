using FlowLive.Data.Toy;
using FlowLive.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static FlowLive.Tests.Data.Toy.ToyTestSupport;
using static TorchSharp.torch;

namespace FlowLive.Tests.Data.Toy;

/// <summary>scikit-learn's moons: the exact finite construction, the continuous sampler and its quadrature density.</summary>
public sealed class MoonsTests(ITestOutputHelper output)
{
    [Fact]
    public void Sklearn_construction_without_noise_is_sklearns_points()
    {
        // make_moons(5, shuffle=False, noise=None): n_out = 2 outer at t = 0, pi; n_in = 3 inner at t = 0, pi/2, pi.
        double[] expected =
        [
            Math.Cos(0), Math.Sin(0), Math.Cos(Math.PI), Math.Sin(Math.PI),
            1 - Math.Cos(0), 1 - Math.Sin(0) - 0.5, 1 - Math.Cos(Math.PI / 2), 1 - Math.Sin(Math.PI / 2) - 0.5, 1 - Math.Cos(Math.PI), 1 - Math.Sin(Math.PI) - 0.5,
        ];
        using var g = new Generator(1);
        using var points = new Moons(0).SklearnPoints(5, g, shuffle: false, dtype: ScalarType.Float64);
        Assert.Equal([5L, 2L], points.shape);
        var actual = Values(points);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-15, $"coordinate {i}: {actual[i]:R} vs {expected[i]:R}");

        using var shuffled = new Moons(0).SklearnPoints(5, g, dtype: ScalarType.Float64);
        var rows = Values(shuffled).Chunk(2).Select(r => (r[0], r[1])).Order();
        Assert.Equal(actual.Chunk(2).Select(r => (r[0], r[1])).Order(), rows);

        using var one = new Moons(0).SklearnPoints(1, g, dtype: ScalarType.Float64);  // n_out = 0, one inner point at t = 0
        Assert.Equal([0.0, 0.5], Values(one));
        using var none = new Moons(0).SklearnPoints(0, g);
        Assert.Equal([0L, 2L], none.shape);
    }

    [Fact]
    public void Sklearn_construction_spaces_t_evenly_and_repeats_for_a_seed()
    {
        using var g = new Generator(9);
        using var points = new Moons(0).SklearnPoints(101, g, shuffle: false, dtype: ScalarType.Float64);
        var v = Values(points);
        for (int i = 0; i < 50; i++)  // outer: t_i = i pi / 49
            Assert.Equal(Math.Cos(i * (Math.PI / 49)), v[2 * i], 14);
        for (int i = 0; i < 51; i++)  // inner: t_i = i pi / 50
            Assert.Equal(1 - Math.Sin(i * (Math.PI / 50)) - 0.5, v[2 * (50 + i) + 1], 14);

        var moons = new Moons(0.1);
        float[] Draw(ulong seed) { using var gen = new Generator(seed); using var p = moons.SklearnPoints(1000, gen); return p.data<float>().ToArray(); }
        Assert.Equal(Draw(3), Draw(3));
        Assert.NotEqual(Draw(3), Draw(4));
        using var noisy = new Generator(3);
        using var sample = moons.SklearnPoints(100_000, noisy, shuffle: false, dtype: ScalarType.Float64);
        using var clean = new Moons(0).SklearnPoints(100_000, noisy, shuffle: false, dtype: ScalarType.Float64);
        using var noise = sample - clean;
        Assert.InRange(noise.std().ToDouble(), 0.099, 0.101);
        Assert.InRange(noise.mean().ToDouble(), -0.001, 0.001);
    }

    [Fact]
    public void Continuous_samples_pick_each_moon_half_the_time_with_t_uniform()
    {
        using var g = new Generator(12);
        using var points = new Moons(0).Sample(40_000, g);
        var v = Values(points);
        int inner = 0;
        var tOuter = new List<double>();
        for (int i = 0; i < v.Length; i += 2)
        {
            double x = v[i], y = v[i + 1];
            double outerGap = Math.Abs(Math.Sqrt(x * x + y * y) - 1), innerGap = Math.Abs(Math.Sqrt((1 - x) * (1 - x) + (0.5 - y) * (0.5 - y)) - 1);
            Assert.True(Math.Min(outerGap, innerGap) < 1e-6, $"({x}, {y}) is on neither moon");
            if (innerGap < outerGap) inner++; else tOuter.Add(Math.Atan2(y, x));
        }
        Assert.InRange(inner, 20_000 - 500, 20_000 + 500);
        Assert.All(Enumerable.Range(0, 4), q => Assert.InRange(tOuter.Count(t => t >= q * Math.PI / 4 && t < (q + 1) * Math.PI / 4) / (double)tOuter.Count, 0.24, 0.26));
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.1)]
    [InlineData(0.3)]
    public void Quadrature_is_converged_to_1e_minus_6(double noise)
    {
        var (grid, _) = Midpoints(-1.6, 2.6, -1.1, 1.6, 60, 40);
        using var _grid = grid;
        using var rough = MoonsDensity.LogDensity(grid, noise);
        using var fine = MoonsDensity.LogDensity(grid, noise, 4 * MoonsDensity.Panels(noise), 12);
        // |log p - log p_fine| bounds the relative error of p: 1e-6 wherever the mass is (log p within 30 of its
        // maximum, out to about 7 sigma from the moons); farther out the integrand is a spike at an end of the arc and
        // only 1e-4 |log p| holds.
        var r = Values(rough);
        var f = Values(fine);
        double top = f.Max();
        for (int i = 0; i < r.Length; i++)
        {
            double error = Math.Abs(r[i] - f[i]);
            Assert.True(f[i] < top - 30 ? error <= 1e-4 * Math.Abs(f[i]) : error <= 1e-6, $"noise {noise}, point {i}: log p {f[i]:F4}, error {error:E2}");
        }
        output.WriteLine($"noise {noise}: largest error where the mass is {Enumerable.Range(0, r.Length).Where(i => f[i] >= top - 30).Max(i => Math.Abs(r[i] - f[i])):E2}");
        Numeric.AssertFinite(rough, "far points stay finite");
    }

    [Fact]
    public void Density_matches_a_histogram_of_samples()
    {
        var moons = new Moons(0.05);
        using var g = new Generator(21);
        using var points = moons.Sample(200_000, g);
        var v = Values(points);
        const double x0 = -1.5, y0 = -1, side = 0.25;
        var counts = new Dictionary<(int, int), int>();
        for (int i = 0; i < v.Length; i += 2)
        {
            var bin = ((int)Math.Floor((v[i] - x0) / side), (int)Math.Floor((v[i + 1] - y0) / side));
            counts[bin] = counts.GetValueOrDefault(bin) + 1;
        }
        int checkedBins = 0;
        foreach (var ((bx, by), count) in counts.Where(c => c.Value > 2000))
        {
            double mass = Integral(moons, x0 + bx * side, x0 + (bx + 1) * side, y0 + by * side, y0 + (by + 1) * side, 20, 20);
            double frequency = count / 200_000.0;
            Assert.True(Math.Abs(frequency - mass) < 5 * Math.Sqrt(mass / 200_000) + 1e-4, $"bin ({bx}, {by}): frequency {frequency:F5} vs mass {mass:F5}");
            checkedBins++;
        }
        Assert.True(checkedBins >= 15, $"only {checkedBins} well-filled bins");
    }

    [Fact]
    public void Two_moons_density_is_the_moons_density_under_ffjords_map()
    {
        using var g = new Generator(8);
        using var p = new Moons(0.1).Sample(500, g).to(ScalarType.Float64);
        using var y = p * 2 + tensor(new[] { -1.0, -0.2 }, ScalarType.Float64);
        using var expected = new Moons(0.1).LogDensity(p) - 2 * Math.Log(2);
        using var actual = new TwoMoons(0.1).LogDensity(y);
        Numeric.AssertClose(expected, actual, 1e-12, "two_moons vs moons");
    }

    [Fact]
    public void Noise_must_be_positive_for_a_density()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Moons(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Moons(double.NaN));
        using var x = zeros(3, 2);
        Assert.Contains("noise 0", Assert.Throws<InvalidOperationException>(() => new Moons(0).LogDensity(x)).Message);
        Assert.Contains("noise 0", Assert.Throws<InvalidOperationException>(() => new TwoMoons(0).LogDensity(x)).Message);
    }

    [Fact]
    public void Sklearn_construction_leaks_no_tensors()
    {
        using var g = new Generator(2);
        LiveTensors.AssertNoLeak(() => new Moons(0.1).SklearnPoints(100, g).Dispose(), "SklearnPoints");
        using var x = new Moons(0.1).Sample(4000, g);
        using var x64 = x.to(ScalarType.Float64);
        LiveTensors.AssertNoLeak(() => MoonsDensity.LogDensity(x64, 0.01).Dispose(), "batched quadrature");
    }
}
