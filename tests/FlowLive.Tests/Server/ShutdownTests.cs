using System.Diagnostics;
using FlowLive.Protos.V1;
using FlowLive.Server;
using Grpc.Core;
using Grpc.Health.V1;

namespace FlowLive.Tests.Server;

public sealed class ShutdownTests
{
    [Fact]
    public async Task A_stream_that_outlives_the_shutdown_timeout_ends_unavailable()
    {
        await using var server = await RunningServer.Kestrel(s => s.ShutdownSeconds = 1);
        var call = server.Models.Sample(new SampleRequest { Model = "two_moons-realnvp", Count = 1_000_000, ChunkSize = 100, Seed = 5 });
        Assert.True(await call.ResponseStream.MoveNext());

        var clock = Stopwatch.StartNew();
        var stopping = server.App.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // a reader too slow for the drain: it reads nothing meanwhile
        long points = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext()) points += call.ResponseStream.Current.Points.Shape[0];
        });
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("FlowLive:ShutdownSeconds", error.Status.Detail);
        Assert.InRange(points, 1, 1_000_000 - 101);
        await stopping;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"shutdown took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_running_stream_finishes_while_new_calls_are_refused_and_health_says_not_serving()
    {
        await using var server = await RunningServer.Kestrel(s => s.ShutdownSeconds = 60);
        var call = server.Models.Sample(new SampleRequest { Model = "two_moons-realnvp", Count = 2_000, ChunkSize = 100, Seed = 6 });
        Assert.True(await call.ResponseStream.MoveNext());
        long points = call.ResponseStream.Current.Points.Shape[0];

        var clock = Stopwatch.StartNew();
        var stopping = server.App.StopAsync();
        var health = await server.Health.CheckAsync(new HealthCheckRequest { Service = FlowLiveServer.ModelServiceName });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await server.Models.ListModelsAsync(new ListModelsRequest()));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("shutting down", refused.Status.Detail);
        Assert.False(stopping.IsCompleted, "the shutdown waits for the running stream");

        while (await call.ResponseStream.MoveNext()) points += call.ResponseStream.Current.Points.Shape[0];
        Assert.Equal(2_000, points);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        await stopping;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {clock.Elapsed} after the last call ended");
    }

    [Fact]
    public async Task An_idle_server_stops_at_once_even_with_health_watchers()
    {
        await using var server = await RunningServer.Kestrel(s => s.ShutdownSeconds = 30);
        using var watch = server.Health.Watch(new HealthCheckRequest { Service = FlowLiveServer.ModelServiceName });
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);

        var clock = Stopwatch.StartNew();
        var stopping = server.App.StopAsync();
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        await stopping;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"an idle shutdown took {clock.Elapsed}");
    }
}
