namespace FlowLive.Cli.Bench;

/// <summary>The statistics the benches report of repeated timings: medians of calls, nearest-rank percentiles of latencies.</summary>
public static class Percentiles
{
    /// <summary>The middle value (the mean of the two middle ones for an even count); NaN for none.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>The nearest-rank <paramref name="p"/> quantile (0 to 1) of values already in ascending order; NaN for none.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(p * sorted.Count))];
}
