using TorchSharp;

namespace FlowLive.Tests.Support;

/// <summary>Counts TorchSharp tensors alive on this thread, for tests that check nothing leaks.</summary>
public static class LiveTensors
{
    public static long Count => DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;

    /// <summary>Runs <paramref name="action"/> and asserts the live tensor count ends where it started.</summary>
    public static void AssertNoLeak(Action action, string what)
    {
        GC.Collect();
        long before = Count;
        action();
        long after = Count;
        Assert.True(before == after, $"{what} leaked {after - before} tensors (live {before} -> {after})");
    }
}
