using FlowLive.Server.Compute;
using FlowLive.Tests.Support;
using TorchSharp;

namespace FlowLive.Tests.Server;

/// <summary>
/// Live TorchSharp tensors as a running server sees them: the process-wide count, and each compute thread's own
/// (exact, and blind to the finalizer, which would hide a tensor that leaked out of a dispose scope and was dropped).
/// </summary>
public static class ServerTensors
{
    public sealed record Snapshot(long Total, IReadOnlyDictionary<int, long> PerComputeThread)
    {
        public bool SameAs(Snapshot other) =>
            Total == other.Total && PerComputeThread.Count == other.PerComputeThread.Count
            && PerComputeThread.All(p => other.PerComputeThread.TryGetValue(p.Key, out long live) && live == p.Value);

        public override string ToString() =>
            $"{Total} in the process; per compute thread {string.Join(", ", PerComputeThread.OrderBy(p => p.Key).Select(p => $"#{p.Key}: {p.Value}"))}";
    }

    /// <summary>
    /// Both counts (after a full collection), read while every compute thread holds one probe (a barrier makes each thread take exactly one, so
    /// every thread reports) and so computes nothing else.
    /// </summary>
    public static async Task<Snapshot> Count(ComputeScheduler compute)
    {
        // Tensors dropped earlier (by other tests too) and not yet finalized would move the process-wide count.
        GC.Collect();
        GC.WaitForPendingFinalizers();

        using var barrier = new Barrier(compute.Workers);
        var probes = Enumerable.Range(0, compute.Workers).Select(_ => compute.Run(_ =>
        {
            if (!barrier.SignalAndWait(TimeSpan.FromSeconds(10)))
                throw new TimeoutException("a compute thread did not take its probe (busy with other work?)");
            long live = LiveTensors.Count;
            barrier.SignalAndWait(TimeSpan.FromSeconds(10)); // nobody reads the total while another thread still works
            return (Thread: Environment.CurrentManagedThreadId, Live: live, Total: torch.Tensor.TotalCount);
        }, CancellationToken.None)).ToList();
        var results = await Task.WhenAll(probes);
        return new Snapshot(results[0].Total, results.ToDictionary(r => r.Thread, r => r.Live));
    }
}
