namespace FlowLive.Data.Toy;

/// <summary>The toy 2-D datasets by name (case-insensitive; a few common spellings are accepted as aliases).</summary>
public static class ToyDatasets
{
    public static IReadOnlyList<IToyDataset> All { get; } =
        [new TwoMoons(), new TwoGaussians(), new EightGaussians(), new Chequerboard(), new Rings(), new TwoSpirals(), new Pinwheel()];

    static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["moons"] = "two_moons",
        ["8gaussians"] = "eight_gaussians",
        ["checkerboard"] = "chequerboard",
        ["circles"] = "rings",
        ["2spirals"] = "two_spirals",
        ["spirals"] = "two_spirals",
    };

    public static IEnumerable<string> Names => All.Select(d => d.Name);

    /// <summary>The dataset called <paramref name="name"/> (default parameters); throws listing the known names.</summary>
    public static IToyDataset Get(string name)
    {
        string canonical = Aliases.GetValueOrDefault(name.Replace('-', '_'), name.Replace('-', '_'));
        return All.FirstOrDefault(d => string.Equals(d.Name, canonical, StringComparison.OrdinalIgnoreCase))
               ?? throw new ArgumentException($"unknown toy dataset '{name}'; known: {string.Join(", ", Names)}", nameof(name));
    }
}
