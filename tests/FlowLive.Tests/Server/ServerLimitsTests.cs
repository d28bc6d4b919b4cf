using FlowLive.Protos.V1;
using FlowLive.Server.Compute;
using Grpc.Core;

namespace FlowLive.Tests.Server;

/// <summary>The caps that need a server of their own: streamed trace volume, the compute queue, shutting down.</summary>
public sealed class ServerLimitsTests
{
    [Fact]
    public async Task A_trace_of_more_states_than_the_cap_is_resource_exhausted_naming_it()
    {
        // 500 points x 2 values fit Limits:MaxFloats = 1,000, but x 71 states do not fit 64 x that.
        await using var server = await RunningServer.InMemory(settings =>
        {
            settings.IncludeBundled = false;
            settings.Limits.MaxFloats = 1000;
            settings.Limits.MaxPoints = 500;
            TestModels.SaveTranslations(settings.ModelsDirectory!, "deep", layers: 70);
        });
        var error = await Rpcs.Failure(() => Rpcs.ReadAll(server.Models.Trace(new TraceRequest { Model = "deep", Count = 500, Seed = 1 })));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.StartsWith("count: ", error.Status.Detail);
        Assert.Contains("Limits:MaxFloats x 64 = 64,000", error.Status.Detail);

        var within = await Rpcs.ReadAll(server.Models.Trace(new TraceRequest { Model = "deep", Count = 450, Seed = 1 }));
        Assert.Equal(71, within.Count);
        var sample = await Rpcs.Failure(() => Rpcs.ReadAll(server.Models.Sample(new SampleRequest { Model = "deep", Count = 501 })));
        Assert.Equal(StatusCode.ResourceExhausted, sample.StatusCode);
        Assert.Contains("Limits:MaxPoints = 500", sample.Status.Detail);
    }

    [Fact]
    public async Task A_full_compute_queue_is_resource_exhausted_naming_the_cap_and_the_server_recovers()
    {
        await using var server = await RunningServer.InMemory(settings =>
        {
            settings.IncludeBundled = false;
            settings.Limits.MaxQueuedWork = 1;
            TestModels.CopyBundled(settings.ModelsDirectory!, "chequerboard-spline");
        });
        var grids = Enumerable.Range(0, 12).Select(async _ =>
        {
            try
            {
                await Rpcs.ReadAll(server.Models.DensityGrid(new DensityGridRequest { Model = "chequerboard-spline", Columns = 120 }));
                return (RpcException?)null;
            }
            catch (RpcException e) { return e; }
        }).ToList();
        var outcomes = await Task.WhenAll(grids);
        var refused = outcomes.OfType<RpcException>().ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, e => Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode));
        Assert.All(refused, e => Assert.Contains("Limits:MaxQueuedWork", e.Status.Detail));
        Assert.Contains(outcomes, o => o is null);
        Assert.Equal(0, server.Service<ComputeScheduler>().Depth);
        Assert.Single(await Rpcs.ReadAll(server.Models.DensityGrid(new DensityGridRequest { Model = "chequerboard-spline", Columns = 20 })));
    }

    [Fact]
    public async Task After_shutdown_begins_compute_calls_answer_unavailable()
    {
        await using var server = await RunningServer.InMemory(settings =>
        {
            settings.IncludeBundled = false;
            TestModels.CopyBundled(settings.ModelsDirectory!, "radboud-moons");
        });
        Assert.Single(await Rpcs.ReadAll(server.Models.Sample(new SampleRequest { Model = "radboud-moons", Count = 2 })));
        server.Service<ComputeScheduler>().BeginShutdown();

        var calls = new Func<Task>[]
        {
            () => Rpcs.ReadAll(server.Models.Sample(new SampleRequest { Model = "radboud-moons", Count = 2 })),
            () => Rpcs.ReadAll(server.Models.Trace(new TraceRequest { Model = "radboud-moons", Count = 2 })),
            async () => await server.Models.DecodeAsync(new DecodeRequest { Model = "radboud-moons", Latents = WireTensors.Of([0f, 0f], 1, 2) }),
            async () => await server.Models.EncodeAsync(new EncodeRequest { Model = "radboud-moons", Points = WireTensors.Of([0f, 0f], 1, 2) }),
            async () => await server.Models.LogProbAsync(new LogProbRequest { Model = "radboud-moons", Points = WireTensors.Of([0f, 0f], 1, 2) }),
            () => Rpcs.ReadAll(server.Models.DensityGrid(new DensityGridRequest { Model = "radboud-moons", Columns = 4 })),
            () => Rpcs.ReadAll(server.Models.Interpolate(new InterpolateRequest { Model = "radboud-moons", Steps = 2, LatentEnds = WireTensors.Of([0f, 0f, 1f, 1f], 2, 2) })),
        };
        foreach (var call in calls)
        {
            var error = await Rpcs.Failure(call);
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
            Assert.Contains("shutting down", error.Status.Detail);
        }
    }
}
