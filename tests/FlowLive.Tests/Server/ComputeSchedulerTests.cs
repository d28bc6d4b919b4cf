using FlowLive.Server.Compute;
using FlowLive.Tests.Support;
using Grpc.Core;
using static TorchSharp.torch;

namespace FlowLive.Tests.Server;

/// <summary>The compute scheduler on its own: its depth, its caps, cancellation, shutdown, and the scope around each item.</summary>
public sealed class ComputeSchedulerTests
{
    [Fact]
    public async Task The_depth_returns_to_zero_after_work_whether_or_not_anyone_watches_it()
    {
        using var compute = new ComputeScheduler(workerCount: 2, capacity: 1);
        // Far more items than the capacity, one after another as a stream queues them: a depth that did not come
        // down, or came down only after the caller had its result and queued the next item, would refuse them.
        for (int i = 0; i < 200; i++) Assert.Equal(i, await compute.Run(_ => i, CancellationToken.None));
        Assert.Equal(0, compute.Depth);

        var seen = new List<int>();
        compute.DepthChanged += depth => { lock (seen) seen.Add(depth); };
        await compute.Run(_ => 0, CancellationToken.None);
        Assert.Equal(0, compute.Depth);
        lock (seen) Assert.Equal([1, 0], seen);
    }

    [Fact]
    public async Task A_full_queue_is_resource_exhausted_naming_the_cap()
    {
        using var compute = new ComputeScheduler(workerCount: 1, capacity: 2);
        using var release = new ManualResetEventSlim();
        var running = compute.Run(_ => release.Wait(TimeSpan.FromSeconds(10)), CancellationToken.None);
        var waiting = compute.Run(_ => true, CancellationToken.None);
        var error = Assert.Throws<RpcException>(() => { _ = compute.Run(_ => true, CancellationToken.None); });
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("Limits:MaxQueuedWork", error.Status.Detail);
        Assert.Equal(2, compute.Depth);
        release.Set();
        Assert.True(await running);
        Assert.True(await waiting);
        Assert.Equal(0, compute.Depth);
    }

    [Fact]
    public async Task An_item_cancelled_while_waiting_never_runs()
    {
        using var compute = new ComputeScheduler(workerCount: 1, capacity: 4);
        using var release = new ManualResetEventSlim();
        using var cancel = new CancellationTokenSource();
        var blocker = compute.Run(_ => release.Wait(TimeSpan.FromSeconds(10)), CancellationToken.None);
        bool ran = false;
        var cancelled = compute.Run(_ => ran = true, cancel.Token);
        cancel.Cancel();
        release.Set();
        await blocker;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(ran);
        Assert.Equal(0, compute.Depth);
        Assert.Throws<OperationCanceledException>(() => { _ = compute.Run(_ => true, cancel.Token); });
    }

    [Fact]
    public async Task After_shutdown_begins_new_work_is_unavailable()
    {
        using var compute = new ComputeScheduler(workerCount: 1, capacity: 4);
        Assert.Equal(1, await compute.Run(_ => 1, CancellationToken.None));
        compute.BeginShutdown();
        var error = Assert.Throws<RpcException>(() => { _ = compute.Run(_ => 1, CancellationToken.None); });
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(0, compute.Depth);
    }

    [Fact]
    public async Task Each_item_runs_in_its_own_dispose_scope_without_gradients()
    {
        using var compute = new ComputeScheduler(workerCount: 1, capacity: 4);
        var (liveBefore, liveAfter, grad) = await compute.Run<(long, long, bool)>(token =>
        {
            long before = LiveTensors.Count;
            _ = ones(3, requires_grad: true) * 2; // left for the scope
            return (before, LiveTensors.Count, is_grad_enabled());
        }, CancellationToken.None);
        Assert.True(liveAfter > liveBefore);
        Assert.False(grad);
        long liveLater = await compute.Run(_ => LiveTensors.Count, CancellationToken.None);
        Assert.Equal(liveBefore, liveLater); // the one worker thread: the first item's tensors are gone
    }

    [Fact]
    public async Task A_failing_item_fails_its_task_and_the_worker_goes_on()
    {
        using var compute = new ComputeScheduler(workerCount: 1, capacity: 4);
        await Assert.ThrowsAsync<InvalidOperationException>(() => compute.Run<int>(_ => throw new InvalidOperationException("boom"), CancellationToken.None));
        Assert.Equal(7, await compute.Run(_ => 7, CancellationToken.None));
        Assert.Equal(0, compute.Depth);
    }
}
