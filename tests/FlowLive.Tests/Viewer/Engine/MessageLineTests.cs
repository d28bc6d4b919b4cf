extern alias viewer;
using Grpc.Core;
using viewer::FlowLive.Viewer.Client;
using viewer::FlowLive.Viewer.Engine;

namespace FlowLive.Tests.Viewer.Engine;

/// <summary>The message line: whose message it is decides what clears it.</summary>
public sealed class MessageLineTests
{
    long clock;

    ViewerContext Context(ServerLink link) => new(link, new MessageQueue(), new ViewerSettings(), () => clock);

    static async Task Until(ViewerContext context, Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; message: {context.Message}");
            await Task.Delay(5);
            context.Queue.Drain();
        }
    }

    /// <summary>Waits until a call started now has ended and its end was applied: everything posted before it was too.</summary>
    static async Task Drained(ViewerContext context)
    {
        var marker = new TaskCompletionSource();
        context.Start("marker", _ => { marker.SetResult(); return Task.CompletedTask; }, CancellationToken.None);
        await marker.Task;
        await Task.Delay(100); // the marker's end is posted right after its body; then drain it and all before it
        context.Queue.Drain();
    }

    [Fact]
    public async Task A_calls_fault_stays_through_another_calls_success_and_goes_with_its_own()
    {
        using var link = new ServerLink(["127.0.0.1:9"]);
        var context = Context(link);
        var release = new TaskCompletionSource();
        int attempts = 0;
        context.Start("Trace", async _ =>
        {
            if (++attempts == 1) throw new RpcException(new Status(StatusCode.Unavailable, "connection refused"));
            await release.Task;
        }, CancellationToken.None);
        await Until(context, () => context.Message?.Contains("Trace: server unreachable") == true, "the fault");

        // The other call's success, then its end, are posted after its body ran; a third call started after it posts
        // its own end behind them, so once that has been drained both were applied.
        context.Start("SampleData", _ => Task.CompletedTask, CancellationToken.None);
        await Drained(context);
        Assert.Contains("Trace: server unreachable", context.Message); // SampleData's success is not Trace's

        release.SetResult();
        await Until(context, () => context.Message is null, "the retried Trace to clear its fault");
    }

    [Fact]
    public async Task A_refusal_outlives_its_call_and_a_cancelled_calls_fault_goes_with_it()
    {
        using var link = new ServerLink(["127.0.0.1:9"]);
        var context = Context(link);
        context.Start("Trace", _ => throw new RpcException(new Status(StatusCode.NotFound, "no model named 'x'")), CancellationToken.None);
        await Until(context, () => context.Message is not null, "the refusal");
        await Drained(context);
        Assert.Equal("Trace: no model named 'x' (NotFound)", context.Message); // the call has ended; its refusal stays a while
        clock += (long)ViewerContext.NoteLifetime.TotalMilliseconds + 1;
        Assert.Null(context.Message);

        using var leave = new CancellationTokenSource();
        context.Start("DensityGrid", _ => throw new RpcException(new Status(StatusCode.Unavailable, "gone")), leave.Token);
        await Until(context, () => context.Message?.Contains("DensityGrid") == true, "the fault");
        leave.Cancel(); // the scene was left: its call will not retry, so "retrying" would be false
        await Until(context, () => context.Message is null, "the cancelled call's fault to go");
    }

    [Fact]
    public void A_note_fades_after_its_lifetime()
    {
        using var link = new ServerLink(["127.0.0.1:9"]);
        var context = Context(link);
        context.Report("screenshot: screenshots/frame.png");
        context.Queue.Drain();
        Assert.Equal("screenshot: screenshots/frame.png", context.Message);
        clock += (long)ViewerContext.NoteLifetime.TotalMilliseconds - 1;
        Assert.NotNull(context.Message);
        clock += 2;
        Assert.Null(context.Message);
    }
}
