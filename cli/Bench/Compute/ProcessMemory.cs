namespace FlowLive.Cli.Bench.Compute;

/// <summary>
/// This process's resident memory as Linux counts it (/proc/self/status), including libtorch's native allocations
/// that the .NET counters never see. Each workload resets the peak first, so its peak is its own.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Current resident set (VmRSS), MB; NaN where /proc is not there.</summary>
    public static double ResidentMegabytes() => Read("VmRSS");

    /// <summary>Peak resident set since the last <see cref="ResetPeak"/> (VmHWM), MB.</summary>
    public static double PeakMegabytes() => Read("VmHWM");

    /// <summary>Linux resets VmHWM to the current resident set when 5 is written to clear_refs (kernel 4.0 and later).</summary>
    public static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    static double Read(string field)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]) / 1024.0;
        }
        catch (IOException) { }
        return double.NaN;
    }
}
