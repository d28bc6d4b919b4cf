namespace FlowLive.Training.Presets;

/// <summary>
/// A course exercise reproduced with one command (`flowlive train --preset NAME`): the request that trains it, the
/// exercise it comes from, the bar FlowLive holds itself to, and a fast version (a few steps on little data) that the
/// tests and `verify --quick` run so no preset can rot.
/// </summary>
public sealed record Preset(
    string Name,
    string Exercise,
    string Summary,
    PresetBar Bar,
    Func<TrainingRequest> Request,
    PresetKind Kind,
    Func<TrainingRequest, TrainingRequest> Fast,
    bool Quick = false)
{
    // Quick: part of `flowlive verify --quick`, the subset CI trains fully (all of them within about 4 minutes).
    public TrainingRequest FastRequest() => Fast(Request());
}

public enum PresetKind
{
    /// <summary>2-D data: trains fully in seconds to minutes; `verify` runs it.</summary>
    TwoD,
    /// <summary>Images: tens of minutes on two cores; `verify --all` runs it.</summary>
    Image,
}

/// <summary>The figure a preset is judged by and the value it must reach (or only report, when <see cref="Threshold"/> is null).</summary>
public sealed record PresetBar(string Metric, double? Threshold, string Description)
{
    /// <summary>The bar's figure from a model's metrics (lower is better for every bar), or null when it was not measured.</summary>
    public double? Value(IReadOnlyDictionary<string, double> metrics) => metrics.TryGetValue(Metric, out var v) ? v : null;

    /// <summary>PASS/FAIL (or REPORT for a bar that only asks for the figure) of <paramref name="value"/>.</summary>
    public string Verdict(double? value) =>
        value is not double v || !double.IsFinite(v) ? "FAIL" : Threshold is double t ? (v <= t ? "PASS" : "FAIL") : "REPORT";
}
