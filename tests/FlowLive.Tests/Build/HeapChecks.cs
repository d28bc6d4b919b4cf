using FlowLive.Devices;
using FlowLive.Cli.Bench.Compute;

namespace FlowLive.Tests.Build;

/// <summary>
/// A check that runs in a process of its own (see <see cref="Viewer.Platform.SelfProcess"/>), because the heap
/// allocator is chosen when a process starts (LD_PRELOAD) and the test host's resident set says nothing about one
/// workload: it repeats the bench's 4x16 density grid, the call glibc's heap grew to GBs of free memory under.
/// </summary>
internal static class HeapChecks
{
    public const string RepeatedGrid = "heap-repeated-grid";
    public const int Calls = 200;

    /// <summary>Prints "allocator NAME, resident BEFORE MB before CALLS calls, AFTER MB after".</summary>
    public static int RunRepeatedGrid()
    {
        TorchSharp.torch.set_num_threads(1); // as the bench runs it, and once for the whole process
        using var grid = ComputeWorkloads.Find("grid-radboud-4x16-512")!.Prepare(WorkloadSize.Full);
        for (int i = 0; i < ComputeBenchmark.WarmUpCalls; i++) grid.Call();
        double before = ProcessMemory.ResidentMegabytes();
        for (int i = 0; i < Calls; i++) grid.Call();
        double after = ProcessMemory.ResidentMegabytes();
        Console.WriteLine($"allocator {HeapAllocator.Current()}, resident {before:F0} MB before {Calls} calls, {after:F0} MB after");
        return 0;
    }
}
