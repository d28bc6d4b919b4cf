using FlowLive.Server.Compute;
using Grpc.Core;

namespace FlowLive.Tests.Server.Compute;

public sealed class ComputeSchedulerTests
{
    // A worker counts an item out just after completing its task, so a caller can see the count a moment later.
    static bool Drained(ComputeScheduler scheduler) => SpinWait.SpinUntil(() => scheduler.Depth == 0, TimeSpan.FromSeconds(5));

    [Fact]
    public async Task Finished_work_leaves_the_queue_so_a_small_queue_serves_any_number_of_items_in_turn()
    {
        using var scheduler = new ComputeScheduler(workerCount: 1, capacity: 2);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i * 2, await scheduler.Run(_ => i * 2, CancellationToken.None));
            Assert.True(Drained(scheduler), $"{scheduler.Depth} items still counted after item {i}");
        }
        var failing = scheduler.Run<int>(_ => throw new InvalidOperationException("a failing item"), CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.True(Drained(scheduler), $"{scheduler.Depth} items still counted after a failing one");
    }

    [Fact]
    public async Task A_full_queue_is_resource_exhausted_naming_the_cap()
    {
        using var scheduler = new ComputeScheduler(workerCount: 1, capacity: 1);
        using var release = new ManualResetEventSlim();
        var running = scheduler.Run(_ => release.Wait(TimeSpan.FromSeconds(30)), CancellationToken.None);
        // Run refuses at once (it throws, rather than returning a failed task): nothing is queued for a refused item.
        var error = Assert.Throws<RpcException>(() => { _ = scheduler.Run(_ => 0, CancellationToken.None); });
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("MaxQueuedWork", error.Status.Detail);
        release.Set();
        Assert.True(await running);
        Assert.True(Drained(scheduler), $"{scheduler.Depth} items still counted");
    }
}
