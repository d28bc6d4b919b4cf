using FlowLive.Data.Toy;
using FlowLive.Tests.Support;
using TorchSharp;
using static FlowLive.Tests.Data.Toy.ToyTestSupport;
using static TorchSharp.torch;

namespace FlowLive.Tests.Data.Toy;

/// <summary>Standardising a toy set by a training set's mean and std, with its density moved through the affine map.</summary>
public sealed class StandardizedTests
{
    [Fact]
    public void Fit_takes_the_training_mean_and_population_std()
    {
        using var training = tensor(new[] { 1.0, 10, 2, 20, 3, 60 }, [3, 2], ScalarType.Float64);
        var s = Standardized.Fit(new DtuTwoGaussians(), training);
        Assert.Equal("dtu_two_gaussians_standardized", s.Name);
        Assert.Equal(2.0, s.Mean[0], 12);
        Assert.Equal(30.0, s.Mean[1], 12);
        Assert.Equal(Math.Sqrt(2.0 / 3), s.Std[0], 12);  // ddof 0, as numpy and StandardScaler
        Assert.Equal(Math.Sqrt(1400.0 / 3), s.Std[1], 12);
    }

    [Fact]
    public void Samples_are_the_inner_samples_standardised()
    {
        var inner = new Moons(0.1);
        using var g = new Generator(0);
        using var training = inner.SklearnPoints(100_000, g);
        var s = Standardized.Fit(inner, training);
        using var a = new Generator(5);
        using var b = new Generator(5);
        using var raw = inner.Sample(1000, a).to(ScalarType.Float64);
        using var standardized = s.Sample(1000, b);
        using var mean = tensor(s.Mean.ToArray(), ScalarType.Float64);
        using var std = tensor(s.Std.ToArray(), ScalarType.Float64);
        using var expected = ((raw - mean) / std).to(ScalarType.Float32);
        Numeric.AssertClose(expected, standardized, 1e-6, "standardised samples");

        using var many = s.Sample(100_000, g).to(ScalarType.Float64);
        var m = Values(many.mean([0L]));
        var sd = Values(many.std([0L]));
        Assert.All(m, v => Assert.InRange(v, -0.02, 0.02));
        Assert.All(sd, v => Assert.InRange(v, 0.98, 1.02));
    }

    [Fact]
    public void Density_is_the_inner_density_plus_the_log_std_and_entropy_shifts_by_it()
    {
        var inner = new DtuTwoGaussians();
        var s = (StandardizedWithDensity)Standardized.Create(inner, [0.3, 0.4], [0.2, 0.5]);
        using var g = new Generator(4);
        using var y = s.Sample(500, g).to(ScalarType.Float64);
        using var x = y * tensor(new[] { 0.2, 0.5 }, ScalarType.Float64) + tensor(new[] { 0.3, 0.4 }, ScalarType.Float64);
        using var innerLogp = inner.LogDensity(x);
        using var expected = innerLogp + (Math.Log(0.2) + Math.Log(0.5));
        using var actual = s.LogDensity(y);
        Numeric.AssertClose(expected, actual, 1e-12, "standardised log density");
        Assert.Equal(inner.Entropy.Nats - Math.Log(0.2) - Math.Log(0.5), s.Entropy.Nats, 12);
        Assert.Equal(inner.Entropy.StandardError, s.Entropy.StandardError);

        var exact = (IKnownDensity)Standardized.Create(new DtuChequerboard(), [0.5, 0.5], [0.25, 2]);
        Assert.True(exact.Entropy.IsExact);
        Assert.Equal(Math.Log(5.0 / 9) - Math.Log(0.25) - Math.Log(2), exact.Entropy.Nats, 12);
        // Normalised after the map too: the standardised chequerboard is 9/5 / (0.25 * 2) on its cells.
        // The grid's lines fall on the mapped cell edges y1 = 4x - 2 and y2 = (x - 1/2) / 2 for x = k / 3.
        Assert.Equal(1, Integral(exact, -2 - 8.0 / 75, 2 + 8.0 / 75, -0.27, 0.27, 316, 324), 9);
    }

    [Fact]
    public void A_set_without_a_density_stays_without_one()
    {
        using var training = tensor(new[] { 0f, 0, 1, 1, 2, 3 }, [3, 2]);
        var s = Standardized.Fit(new Pinwheel(), training);
        Assert.False(s is IKnownDensity);
        Assert.True(Standardized.Fit(new Moons(0.1), training) is IKnownDensity);
    }

    [Fact]
    public void Bad_statistics_are_rejected_naming_the_field()
    {
        using var one = zeros(1, 2);
        using var wide = zeros(5, 3);
        using var ints = zeros([5, 2], ScalarType.Int32);
        Assert.Equal("training", Assert.Throws<ArgumentException>(() => Standardized.Fit(new Pinwheel(), one)).ParamName);
        Assert.Equal("training", Assert.Throws<ArgumentException>(() => Standardized.Fit(new Pinwheel(), wide)).ParamName);
        Assert.Equal("training", Assert.Throws<ArgumentException>(() => Standardized.Fit(new Pinwheel(), ints)).ParamName);
        using var constant = ones(5, 2);
        Assert.Equal("std", Assert.Throws<ArgumentException>(() => Standardized.Fit(new Pinwheel(), constant)).ParamName);
        Assert.Equal("mean", Assert.Throws<ArgumentException>(() => Standardized.Create(new Pinwheel(), [double.NaN, 0], [1, 1])).ParamName);
    }

    [Fact]
    public void The_registered_standardised_moons_is_fitted_on_100000_sklearn_points_of_seed_0()
    {
        var registered = (Standardized)ToyDatasets.Get("moons_standardized");
        var inner = Assert.IsType<Moons>(registered.Inner);
        Assert.Equal(0.1, inner.Noise);
        using var g = new Generator(0);
        using var training = inner.SklearnPoints(100_000, g, dtype: ScalarType.Float64);
        var refit = Standardized.Fit(inner, training);
        Assert.Equal(refit.Mean, registered.Mean);
        Assert.Equal(refit.Std, registered.Std);
        // Moments of the moons with noise s: mean (1/2, 1/4), var x = 3/4 + s^2, var y = 9/16 - 1/pi + s^2.
        Assert.InRange(registered.Mean[0], 0.49, 0.51);
        Assert.InRange(registered.Mean[1], 0.24, 0.26);
        Assert.InRange(registered.Std[0], Math.Sqrt(0.76) - 0.01, Math.Sqrt(0.76) + 0.01);
        Assert.InRange(registered.Std[1], Math.Sqrt(9.0 / 16 - 1 / Math.PI + 0.01) - 0.01, Math.Sqrt(9.0 / 16 - 1 / Math.PI + 0.01) + 0.01);
    }

    [Fact]
    public void Standardising_leaks_no_tensors()
    {
        using var training = tensor(new[] { 0f, 0, 1, 1, 2, 3 }, [3, 2]);
        using var g = new Generator(1);
        var s = (IKnownDensity)Standardized.Fit(new Moons(0.1), training);
        using var y = ((IToyDataset)s).Sample(50, g);
        LiveTensors.AssertNoLeak(() => Standardized.Fit(new Moons(0.1), training), "Fit");
        LiveTensors.AssertNoLeak(() => ((IToyDataset)s).Sample(50, g).Dispose(), "Sample");
        LiveTensors.AssertNoLeak(() => s.LogDensity(y).Dispose(), "LogDensity");
    }
}
