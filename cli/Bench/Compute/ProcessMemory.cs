using System.Diagnostics;

namespace FlowLive.Cli.Bench.Compute;

/// <summary>
/// This process's resident memory (on Linux .NET reads it from /proc/self/status: VmRSS and VmHWM), which includes
/// libtorch's native allocations that the GC's counters never see. Each workload resets the peak first, so its peak is
/// its own.
/// </summary>
public static class ProcessMemory
{
    const double Megabyte = 1024.0 * 1024.0;

    /// <summary>Current resident set, MB.</summary>
    public static double ResidentMegabytes() => Environment.WorkingSet / Megabyte;

    /// <summary>Peak resident set since the last <see cref="ResetPeak"/>, MB.</summary>
    public static double PeakMegabytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / Megabyte;
    }

    /// <summary>Linux resets VmHWM to the current resident set when 5 is written to clear_refs (kernel 4.0 and later).</summary>
    public static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
