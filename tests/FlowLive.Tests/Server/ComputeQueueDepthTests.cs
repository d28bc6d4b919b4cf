using FlowLive.Server.Compute;
using Grpc.Core;

namespace FlowLive.Tests.Server;

public sealed class ComputeQueueDepthTests
{
    [Fact]
    public async Task Finished_work_leaves_the_queue_so_sequential_work_never_fills_it()
    {
        using var scheduler = new ComputeScheduler(workerCount: 1, capacity: 3);
        for (int i = 0; i < 10; i++) Assert.Equal(i, await scheduler.Run(_ => i, CancellationToken.None));
        Assert.Equal(0, scheduler.Depth);
    }

    [Fact]
    public async Task A_full_queue_is_resource_exhausted_naming_the_cap()
    {
        using var scheduler = new ComputeScheduler(workerCount: 1, capacity: 2);
        using var release = new ManualResetEventSlim();
        var running = scheduler.Run(_ => release.Wait(TimeSpan.FromSeconds(10)), CancellationToken.None);
        var waiting = scheduler.Run(_ => true, CancellationToken.None);
        var error = await Assert.ThrowsAsync<RpcException>(() => scheduler.Run(_ => true, CancellationToken.None));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("Limits:MaxQueuedWork", error.Status.Detail);
        release.Set();
        await Task.WhenAll(running, waiting);
        Assert.Equal(0, scheduler.Depth);
    }
}
