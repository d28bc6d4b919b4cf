using FlowLive.Data.Toy;
using FlowLive.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static FlowLive.Tests.Data.Toy.ToyTestSupport;
using static TorchSharp.torch;

namespace FlowLive.Tests.Data.Toy;

/// <summary>Every registered toy set with a known density: normalisation, support, dtypes, entropies, lifetimes.</summary>
public sealed class KnownDensityTests(ITestOutputHelper output)
{
    /// <summary>
    /// Integration box and grid per set: boxes hold all but a negligible tail; steps are at most sigma / 2.5, where the
    /// midpoint rule on a Gaussian is exact to ~exp(-2 pi^2 sigma^2 / h^2); midpoints never land on cell edges.
    /// </summary>
    static readonly Dictionary<string, (double X0, double X1, double Y0, double Y1, int Nx, int Ny)> Boxes = new()
    {
        ["two_moons"] = (-4.2, 4.2, -2.6, 3.2, 168, 116),
        ["two_gaussians"] = (-5, 5, -3, 3, 200, 120),
        ["eight_gaussians"] = (-5, 5, -5, 5, 200, 200),
        ["chequerboard"] = (-4.5, 4.5, -4.5, 4.5, 180, 180),
        ["rings"] = (-4.2, 4.2, -4.2, 4.2, 420, 420),
        ["dtu_two_gaussians"] = (-0.5, 1.5, -0.5, 1.5, 400, 400),
        ["dtu_chequerboard"] = (-0.1, 1.1, -0.1, 1.1, 360, 360),
        ["moons"] = (-1.5, 2.5, -1, 1.5, 200, 125),
        ["moons_standardized"] = (-3, 3, -3, 3, 150, 150),
    };

    public static TheoryData<string> KnownNames() => [.. ToyDatasets.All.Where(d => d is IKnownDensity).Select(d => d.Name)];

    static IKnownDensity Known(string name) => (IKnownDensity)ToyDatasets.Get(name);

    [Fact]
    public void The_sets_with_a_density_are_the_expected_ones()
    {
        Assert.Equal(Boxes.Keys.Order(), ToyDatasets.All.OfType<IKnownDensity>().Select(d => ((IToyDataset)d).Name).Order());
        Assert.False(ToyDatasets.Get("pinwheel") is IKnownDensity);
        Assert.False(ToyDatasets.Get("two_spirals") is IKnownDensity);
    }

    [Theory, MemberData(nameof(KnownNames))]
    public void Density_integrates_to_one(string name)
    {
        var b = Boxes[name];
        double integral = Integral(Known(name), b.X0, b.X1, b.Y0, b.Y1, b.Nx, b.Ny);
        Assert.True(Math.Abs(integral - 1) < 1e-4, $"{name}: integral {integral:F8}");
    }

    [Theory, MemberData(nameof(KnownNames))]
    public void Samples_lie_in_the_support_and_dtypes_follow_the_input(string name)
    {
        var set = ToyDatasets.Get(name);
        using var g = new Generator(3);
        using var points = set.Sample(2000, g);
        using var logp32 = Known(name).LogDensity(points);
        Assert.Equal(ScalarType.Float32, logp32.dtype);
        Assert.Equal([2000L], logp32.shape);
        Numeric.AssertFinite(logp32, name);
        using var points64 = points.to(ScalarType.Float64);
        using var logp64 = Known(name).LogDensity(points64);
        Assert.Equal(ScalarType.Float64, logp64.dtype);
        Numeric.AssertClose(logp64.to(ScalarType.Float32), logp32, 0, name);
        using var none = Known(name).LogDensity(zeros(0, 2));
        Assert.Equal([0L], none.shape);
    }

    [Theory, MemberData(nameof(KnownNames))]
    public void Bad_points_are_rejected_naming_the_set(string name)
    {
        using var wrongShape = zeros(4, 3);
        Assert.Contains(name, Assert.Throws<ArgumentException>(() => Known(name).LogDensity(wrongShape)).Message);
        using var flat = zeros(4);
        Assert.Throws<ArgumentException>(() => Known(name).LogDensity(flat));
        using var integers = zeros([4, 2], ScalarType.Int64);
        Assert.Contains("floating", Assert.Throws<ArgumentException>(() => Known(name).LogDensity(integers)).Message);
    }

    [Theory, MemberData(nameof(KnownNames))]
    public void Entropy_agrees_with_fresh_samples(string name)
    {
        var set = ToyDatasets.Get(name);
        var entropy = Known(name).Entropy;
        var (fresh, freshError) = FreshNegativeLogLikelihood(set, 50_000, 77);
        output.WriteLine($"{name}: H = {entropy}; fresh -mean log p = {fresh:F6} +- {freshError:F6}");
        Assert.True(double.IsFinite(entropy.Nats));
        if (entropy.IsExact)
        {
            Assert.Equal(0, entropy.StandardError);
            Assert.True(Math.Abs(fresh - entropy.Nats) <= 4 * freshError + 1e-9, $"{name}: exact {entropy.Nats} vs fresh {fresh}");
        }
        else
        {
            Assert.True(entropy.Samples >= 200_000 && entropy.Seed == KnownDensity.EntropySeed, $"{name}: {entropy}");
            Assert.InRange(entropy.StandardError, 1e-6, 0.005);
            double tolerance = 4 * Math.Sqrt(freshError * freshError + entropy.StandardError * entropy.StandardError);
            Assert.True(Math.Abs(fresh - entropy.Nats) <= tolerance, $"{name}: {entropy} vs fresh {fresh:F6} (tolerance {tolerance:F6})");
        }
        Assert.Equal(fresh - entropy.Nats, entropy.GapOf(fresh));
    }

    [Theory]
    [InlineData("dtu_two_gaussians")]
    [InlineData("moons")]
    [InlineData("moons_standardized")]
    [InlineData("two_moons")]
    [InlineData("eight_gaussians")]
    [InlineData("rings")]
    public void Monte_carlo_entropy_agrees_with_minus_p_log_p_integrated_on_the_grid(string name)
    {
        var b = Boxes[name];
        using var scope = NewDisposeScope();
        var (points, area) = Midpoints(b.X0, b.X1, b.Y0, b.Y1, b.Nx, b.Ny);
        var logp = Known(name).LogDensity(points);
        double onGrid = -(logp.exp() * logp).sum().ToDouble() * area;
        var entropy = Known(name).Entropy;
        output.WriteLine($"{name}: Monte Carlo {entropy}; grid -sum p log p dA = {onGrid:F6}");
        Assert.True(Math.Abs(onGrid - entropy.Nats) <= 4 * entropy.StandardError, $"{name}: grid {onGrid:F6} vs {entropy}");
    }

    [Fact]
    public void Closed_form_entropies_and_densities()
    {
        Assert.Equal(DataEntropy.Exact(Math.Log(5.0 / 9)), Known("dtu_chequerboard").Entropy);
        Assert.Equal(DataEntropy.Exact(Math.Log(32)), Known("chequerboard").Entropy);
        // Two Gaussians 4 / 0.5 = 8 standard deviations apart: the mixture entropy is log 2 + log(2 pi e s^2) to ~1e-7.
        Assert.InRange(Known("two_gaussians").Entropy.Nats - (Math.Log(2) + Math.Log(2 * Math.PI * Math.E * 0.25)), -0.003, 0.003);

        using var x = tensor(new[] { 2.0, 0.0, 0.0, 0.0, 4.0 * Math.Sqrt(0.5), 4.0 * Math.Sqrt(0.5) }, [3, 2], ScalarType.Float64);
        var twoGaussians = LogDensities(Known("two_gaussians"), x);
        double Normal2(double d2, double s) => Math.Exp(-d2 / (2 * s * s)) / (2 * Math.PI * s * s);
        Assert.Equal(Math.Log(0.5 * Normal2(0, 0.5) + 0.5 * Normal2(16, 0.5)), twoGaussians[0], 12);
        Assert.Equal(Math.Log(Normal2(4, 0.5)), twoGaussians[1], 12);
        var eight = LogDensities(Known("eight_gaussians"), x);
        double eightAt(double px, double py) => Math.Log(Enumerable.Range(0, 8).Sum(k =>
        {
            double cx = EightGaussians.Radius * Math.Cos(k * Math.PI / 4) - px, cy = EightGaussians.Radius * Math.Sin(k * Math.PI / 4) - py;
            return Normal2(cx * cx + cy * cy, EightGaussians.Std) / 8;
        }));
        Assert.Equal(eightAt(2, 0), eight[0], 10);
        Assert.Equal(eightAt(4 * Math.Sqrt(0.5), 4 * Math.Sqrt(0.5)), eight[2], 10);
    }

    [Fact]
    public void Rings_density_matches_the_angle_integral_done_numerically()
    {
        // Average the ring's Gaussian over 20,000 angles at a few radii: the closed form with i0e must agree.
        double[] radii = [0.0, 0.7, 1.66, 2.5, 3.7];
        using var points = tensor(radii.SelectMany(r => new[] { r * 0.6, r * 0.8 }).ToArray(), [radii.Length, 2], ScalarType.Float64);
        var closed = LogDensities(Known("rings"), points);
        for (int i = 0; i < radii.Length; i++)
        {
            double sum = 0;
            const int steps = 20_000;
            foreach (double R in Rings.Radii)
                for (int k = 0; k < steps; k++)
                {
                    double a = 2 * Math.PI * (k + 0.5) / steps, dx = radii[i] * 0.6 - R * Math.Cos(a), dy = radii[i] * 0.8 - R * Math.Sin(a);
                    sum += Math.Exp(-(dx * dx + dy * dy) / (2 * Rings.Noise * Rings.Noise)) / (2 * Math.PI * Rings.Noise * Rings.Noise) / steps / Rings.Radii.Count;
                }
            Assert.True(Math.Abs(closed[i] - Math.Log(sum)) < 1e-9, $"r = {radii[i]}: closed {closed[i]} vs numeric {Math.Log(sum)}");
        }
    }

    [Fact]
    public void Densities_and_entropies_leak_no_tensors()
    {
        using var g = new Generator(5);
        foreach (var set in ToyDatasets.All.Where(d => d is IKnownDensity))
        {
            using var points = set.Sample(300, g);
            LiveTensors.AssertNoLeak(() => ((IKnownDensity)set).LogDensity(points).Dispose(), set.Name);
        }
        LiveTensors.AssertNoLeak(() => _ = new DtuTwoGaussians().Entropy, "dtu_two_gaussians entropy");
        LiveTensors.AssertNoLeak(() => _ = new Rings().Entropy, "rings entropy");
        using var wrong = zeros(2, 3);
        LiveTensors.AssertNoLeak(() => Assert.Throws<ArgumentException>(() => new Chequerboard().LogDensity(wrong)), "a rejected input");
    }
}
