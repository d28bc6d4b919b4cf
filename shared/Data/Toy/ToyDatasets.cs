using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// The toy 2-D datasets by name (case-insensitive; a few common spellings are accepted as aliases). "moons" is
/// scikit-learn's make_moons in its own coordinates (<see cref="Moons"/>); "two_moons" is FFJORD's rescaled copy.
/// </summary>
public static class ToyDatasets
{
    /// <summary>Noise of the registered raw <c>moons</c> (as in the Keras notes on two moons).</summary>
    public const double MoonsNoise = 0.05;
    /// <summary>Noise, size and seed of the sklearn training set that fits <c>moons_standardized</c> (the Radboud exercise).</summary>
    public const double StandardizedMoonsNoise = 0.1;
    public const long StandardizedMoonsFitPoints = 100_000;
    public const ulong StandardizedMoonsFitSeed = 0;

    public static IReadOnlyList<IToyDataset> All { get; } =
    [
        new TwoMoons(), new TwoGaussians(), new EightGaussians(), new Chequerboard(), new Rings(), new TwoSpirals(), new Pinwheel(),
        new DtuTwoGaussians(), new DtuChequerboard(), new Moons(MoonsNoise), StandardizedMoons(),
    ];

    static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["8gaussians"] = "eight_gaussians",
        ["checkerboard"] = "chequerboard",
        ["dtu_checkerboard"] = "dtu_chequerboard",
        ["circles"] = "rings",
        ["2spirals"] = "two_spirals",
        ["spirals"] = "two_spirals",
        ["make_moons"] = "moons",
    };

    public static IEnumerable<string> Names => All.Select(d => d.Name);

    /// <summary>The dataset called <paramref name="name"/> (default parameters); throws listing the known names.</summary>
    public static IToyDataset Get(string name)
    {
        string canonical = Aliases.GetValueOrDefault(name.Replace('-', '_'), name.Replace('-', '_'));
        return All.FirstOrDefault(d => string.Equals(d.Name, canonical, StringComparison.OrdinalIgnoreCase))
               ?? throw new ArgumentException($"unknown toy dataset '{name}'; known: {string.Join(", ", Names)}", nameof(name));
    }

    /// <summary>
    /// sklearn moons with noise 0.1, standardised by the mean and std of a 100,000-point sklearn construction drawn
    /// with seed 0 (<see cref="Moons.SklearnPoints"/>).
    /// </summary>
    static Standardized StandardizedMoons()
    {
        var moons = new Moons(StandardizedMoonsNoise);
        using var generator = new Generator(StandardizedMoonsFitSeed);
        using var training = moons.SklearnPoints(StandardizedMoonsFitPoints, generator, dtype: ScalarType.Float64);
        return Standardized.Fit(moons, training, "moons_standardized");
    }
}
