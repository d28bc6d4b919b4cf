using FlowLive.Cli.Bench.Compute;
using FlowLive.Devices;

namespace FlowLive.Tests.Build;

/// <summary>
/// A check that runs in a process of its own (see <see cref="Viewer.Platform.SelfProcess"/>), because the heap
/// allocator is chosen when a process starts (LD_PRELOAD) and the test host's resident set says nothing about one
/// workload: the bench's 4x16 density grid, the call glibc's heap grew to GBs of free memory under, measured by the
/// bench itself (its growth column: resident set after the last call minus after warm-up).
/// </summary>
internal static class HeapChecks
{
    public const string RepeatedGrid = "heap-repeated-grid";
    public const int Calls = 200;

    /// <summary>Prints "allocator NAME, resident growth GROWTH MB over CALLS calls".</summary>
    public static int RunRepeatedGrid()
    {
        var grid = ComputeWorkloads.Find("grid-radboud-4x16-512")!;
        var config = new ComputeBenchConfig([grid], WorkloadSize.Full, Threads: 0, Budget: TimeSpan.Zero, Calls: Calls, Rounds: 1);
        var row = ComputeBenchmark.Run(config, peer: null).Workloads.Single();
        Console.WriteLine($"allocator {HeapAllocator.Current()}, resident growth {row.RssGrowthMegabytes:F0} MB over {row.Calls} calls");
        return 0;
    }
}
