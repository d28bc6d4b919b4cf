using FlowLive.Data.Toy;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Data;

public sealed class ToyDatasetTests
{
    public static TheoryData<string> Names() => [.. ToyDatasets.Names];

    static float[] Draw(IToyDataset set, long n, ulong seed)
    {
        using var g = new Generator(seed);
        using var points = set.Sample(n, g);
        Assert.Equal(ScalarType.Float32, points.dtype);
        Assert.Equal([n, 2L], points.shape);
        Assert.Equal(DeviceType.CPU, points.device_type);
        Numeric.AssertFinite(points, set.Name);
        return n == 0 ? [] : points.data<float>().ToArray();  // data<T>() throws on empty tensors
    }

    [Theory, MemberData(nameof(Names))]
    public void Samples_float32_pairs_that_repeat_for_a_seed_and_differ_across_seeds(string name)
    {
        var set = ToyDatasets.Get(name);
        Assert.Equal(name, set.Name);
        var a = Draw(set, 500, 7);
        Assert.Equal(a, Draw(set, 500, 7));
        Assert.NotEqual(a, Draw(set, 500, 8));
        Assert.Empty(Draw(set, 0, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Sample(-1, new Generator(1)));
    }

    [Theory, MemberData(nameof(Names))]
    public void Stays_roughly_within_minus_4_to_4_and_spreads_out(string name)
    {
        var xy = Draw(ToyDatasets.Get(name), 4000, 3);
        double outside = xy.Count(v => Math.Abs(v) > 4) / (double)xy.Length;
        Assert.True(outside < 0.01, $"{name}: {outside:P2} of coordinates outside [-4, 4]");
        Assert.True(xy.All(v => Math.Abs(v) < 6), $"{name}: a coordinate beyond 6");
        // The DTU sets live on [0, 1]^2, so "spread out" is a per-axis std above 0.1 rather than a fixed range.
        double Std(IEnumerable<float> v) { var a = v.Select(f => (double)f).ToArray(); double m = a.Average(); return Math.Sqrt(a.Average(u => (u - m) * (u - m))); }
        Assert.True(Std(xy.Where((_, i) => i % 2 == 0)) > 0.1 && Std(xy.Where((_, i) => i % 2 == 1)) > 0.1, $"{name}: collapsed");
    }

    [Fact]
    public void Sampling_leaks_no_tensors()
    {
        using var g = new Generator(5);
        foreach (var set in ToyDatasets.All)
            LiveTensors.AssertNoLeak(() => set.Sample(100, g).Dispose(), set.Name);
    }

    static IEnumerable<(double X, double Y)> Points(string name, long n, ulong seed = 11)
    {
        var xy = Draw(ToyDatasets.Get(name), n, seed);
        for (int i = 0; i < xy.Length; i += 2) yield return (xy[i], xy[i + 1]);
    }

    [Fact]
    public void Chequerboard_points_land_only_on_black_squares_all_eight_of_them()
    {
        var points = Points("chequerboard", 4000).ToList();
        Assert.All(points, p => Assert.True(Chequerboard.IsBlack(p.X, p.Y), $"({p.X}, {p.Y}) is on a white square"));
        Assert.All(points, p => Assert.True(p.X is >= -4 and < 4 && p.Y is >= -4 and < 4, $"({p.X}, {p.Y}) off the board"));
        var squares = points.GroupBy(p => (Math.Floor(p.X / 2), Math.Floor(p.Y / 2))).ToList();
        Assert.Equal(8, squares.Count);
        Assert.All(squares, s => Assert.InRange(s.Count(), 400, 600));
        Assert.False(Chequerboard.IsBlack(0.5, -0.5));
    }

    [Fact]
    public void Two_gaussians_have_their_means_at_their_centres_and_equal_weight()
    {
        var points = Points("two_gaussians", 4000).ToList();
        var left = points.Where(p => p.X < 0).ToList();
        var right = points.Where(p => p.X >= 0).ToList();
        Assert.InRange(left.Count, 1800, 2200);
        Assert.InRange(left.Average(p => p.X), -2.05, -1.95);
        Assert.InRange(right.Average(p => p.X), 1.95, 2.05);
        Assert.InRange(points.Average(p => p.Y), -0.05, 0.05);
        double std = Math.Sqrt(right.Average(p => (p.X - 2) * (p.X - 2)));
        Assert.InRange(std, 0.45, 0.55);
    }

    [Fact]
    public void Eight_gaussians_cluster_around_eight_points_on_the_circle()
    {
        var points = Points("eight_gaussians", 4000).ToList();
        var byCentre = points.GroupBy(p => (int)Math.Round(Math.Atan2(p.Y, p.X) / (Math.PI / 4)) & 7).ToList();
        Assert.Equal(8, byCentre.Count);
        foreach (var cluster in byCentre)
        {
            double angle = cluster.Key * Math.PI / 4;
            Assert.InRange(cluster.Average(p => p.X), EightGaussians.Radius * Math.Cos(angle) - 0.1, EightGaussians.Radius * Math.Cos(angle) + 0.1);
            Assert.InRange(cluster.Average(p => p.Y), EightGaussians.Radius * Math.Sin(angle) - 0.1, EightGaussians.Radius * Math.Sin(angle) + 0.1);
        }
    }

    [Fact]
    public void Rings_points_lie_near_one_of_the_four_radii()
    {
        var radii = Points("rings", 4000).Select(p => Math.Sqrt(p.X * p.X + p.Y * p.Y)).ToList();
        double Gap(double r) => Rings.Radii.Min(R => Math.Abs(r - R));
        Assert.True(radii.Count(r => Gap(r) < 0.3) > 0.99 * radii.Count);
        foreach (double R in Rings.Radii)
            Assert.InRange(radii.Count(r => Math.Abs(r - R) < 0.3), 850, 1150);
    }

    [Fact]
    public void Two_moons_follow_the_two_half_circles_and_noise_is_a_parameter()
    {
        using var g = new Generator(2);
        using var exact = new TwoMoons(noise: 0).Sample(1000, g);
        var xy = exact.data<float>().ToArray();
        for (int i = 0; i < xy.Length; i += 2)
        {
            // Undo 2p + (-1, -0.2): the upper moon is the unit circle about (0, 0), the lower one about (1, 0.5).
            double x = (xy[i] + 1) / 2, y = (xy[i + 1] + 0.2) / 2;
            double upper = Math.Abs(Math.Sqrt(x * x + y * y) - 1), lower = Math.Abs(Math.Sqrt((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5)) - 1);
            Assert.True(Math.Min(upper, lower) < 1e-5, $"({x}, {y}) is on neither moon");
        }
        Assert.Equal("two_moons", ToyDatasets.Get("two-moons").Name);
        Assert.Equal("moons", ToyDatasets.Get("moons").Name);  // scikit-learn's raw coordinates, no longer an alias
        Assert.Equal("moons", ToyDatasets.Get("make_moons").Name);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TwoMoons(noise: -1));
    }

    [Fact]
    public void Spirals_and_pinwheel_are_point_symmetric_in_distribution()
    {
        var spiral = Points("two_spirals", 4000).ToList();
        Assert.InRange(spiral.Average(p => p.X), -0.15, 0.15);
        Assert.InRange(spiral.Average(p => p.Y), -0.15, 0.15);
        Assert.True(spiral.Max(p => Math.Sqrt(p.X * p.X + p.Y * p.Y)) > 3);

        var wheel = Points("pinwheel", 4000).ToList();
        Assert.InRange(wheel.Average(p => Math.Sqrt(p.X * p.X + p.Y * p.Y)), 1.8, 2.2);
    }

    [Fact]
    public void Unknown_names_list_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => ToyDatasets.Get("swiss_roll"));
        Assert.Contains("two_moons, two_gaussians, eight_gaussians, chequerboard, rings, two_spirals, pinwheel, "
                        + "dtu_two_gaussians, dtu_chequerboard, moons, moons_standardized", e.Message);
        Assert.Equal("dtu_chequerboard", ToyDatasets.Get("DTU-checkerboard").Name);
        Assert.Equal("chequerboard", ToyDatasets.Get("Checkerboard").Name);
        Assert.Equal("eight_gaussians", ToyDatasets.Get("8gaussians").Name);
        Assert.Equal("two_spirals", ToyDatasets.Get("two-spirals").Name);
    }
}
