extern alias viewer;
using Grpc.Core;
using viewer::FlowLive.Viewer.Client;

namespace FlowLive.Tests.Viewer.Client;

public sealed class RetryingTests
{
    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.Cancelled)] // a server shutting down resets its streams with CANCEL
    [InlineData(StatusCode.Internal)]
    public async Task A_transient_failure_is_reported_and_tried_again_until_it_succeeds(StatusCode status)
    {
        int attempts = 0;
        var reports = new List<string?>();
        var outcome = await Retrying.Run(_ => ++attempts < 2 ? throw new RpcException(new Status(status, "gone")) : Task.CompletedTask,
            reports.Add, "Trace", CancellationToken.None);
        Assert.Equal(Retrying.Outcome.Succeeded, outcome);
        Assert.Equal(2, attempts);
        Assert.Contains("Trace: server unreachable", reports[0]);
        Assert.Null(reports[^1]); // the message is cleared once it worked
    }

    [Theory]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.FailedPrecondition)]
    public async Task A_refusal_is_reported_once_and_not_tried_again(StatusCode status)
    {
        int attempts = 0;
        var reports = new List<string?>();
        var outcome = await Retrying.Run(_ => { attempts++; throw new RpcException(new Status(status, "model 'x' not found")); }, reports.Add, "Trace", CancellationToken.None);
        Assert.Equal(Retrying.Outcome.Refused, outcome);
        Assert.Equal(1, attempts);
        Assert.Equal([$"Trace: model 'x' not found ({status})"], reports);
    }

    [Fact]
    public async Task A_call_the_viewer_cancelled_ends_quietly()
    {
        using var cancel = new CancellationTokenSource();
        int attempts = 0;
        var reports = new List<string?>();
        var outcome = await Retrying.Run(_ => { attempts++; cancel.Cancel(); throw new RpcException(new Status(StatusCode.Cancelled, "")); }, reports.Add, "Trace", cancel.Token);
        Assert.Equal(Retrying.Outcome.Cancelled, outcome);
        Assert.Equal(1, attempts);
        Assert.Empty(reports);
    }
}
