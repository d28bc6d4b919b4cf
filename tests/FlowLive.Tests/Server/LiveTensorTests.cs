using FlowLive.Protos.V1;
using FlowLive.Server.Compute;
using Grpc.Core;
using static FlowLive.Tests.Server.ServedModels;
using Client = FlowLive.Protos.V1.ModelService.ModelServiceClient;

namespace FlowLive.Tests.Server;

/// <summary>Serving keeps no tensor: after a thousand mixed requests, good and bad, the live tensors are those of before.</summary>
[Collection(ServedModels.Collection)]
public sealed class LiveTensorTests(ServedModels served)
{
    static readonly Tensor TwoPoints = WireTensors.Of([0.5f, -0.25f, -1.0f, 0.75f], 2, 2);

    /// <summary>The mix: every rpc, on every kind of model, and requests that fail before or during their work.</summary>
    static readonly Func<Client, Task>[] Requests =
    [
        c => Rpcs.ReadAll(c.Sample(new SampleRequest { Model = Moons, Count = 7, ChunkSize = 3, IncludeLogProb = true })),
        c => Rpcs.ReadAll(c.Sample(new SampleRequest { Model = Digits, Count = 1, Temperature = 0.5 })),
        c => Rpcs.ReadAll(c.Sample(new SampleRequest { Model = Planar, Count = 4, IncludeLogProb = true })),
        c => Rpcs.ReadAll(c.Trace(new TraceRequest { Model = Moons, Count = 5, IncludeLogDet = true, ChunkSize = 2 })),
        c => Rpcs.ReadAll(c.Trace(new TraceRequest { Model = IResNet, Points = TwoPoints, IncludeLogDet = true })),
        c => Rpcs.ReadAll(c.Trace(new TraceRequest { Model = Planar, Latents = TwoPoints, IncludeLogDet = true })),
        c => Rpcs.ReadAll(c.SampleData(new SampleDataRequest { Model = Moons, Count = 5 })),
        async c => await c.EncodeAsync(new EncodeRequest { Model = Moons, Points = TwoPoints }),
        async c => await c.DecodeAsync(new DecodeRequest { Model = Moons, Latents = TwoPoints }),
        async c => await c.LogProbAsync(new LogProbRequest { Model = IResNet, Points = TwoPoints }),
        c => Rpcs.ReadAll(c.DensityGrid(new DensityGridRequest { Model = Moons, Columns = 6, Rows = 4, Bounds = new Bounds { XMin = -2, XMax = 2, YMin = -2, YMax = 2 } })),
        c => Rpcs.ReadAll(c.DensityGrid(new DensityGridRequest { Model = Moons, Columns = 3, PerLayer = true, Bounds = new Bounds { XMin = -1, XMax = 1, YMin = -1, YMax = 1 } })),
        c => Rpcs.ReadAll(c.Interpolate(new InterpolateRequest { Model = Moons, LatentEnds = TwoPoints, Steps = 4, Kind = InterpolationKind.Spherical, IncludeStates = true })),
        c => Rpcs.ReadAll(c.Interpolate(new InterpolateRequest { Model = Moons, DataEnds = TwoPoints, Steps = 3 })),
        // Failures: before any work, and inside it (a non-finite output found after the compute).
        c => Rpcs.ReadAll(c.Sample(new SampleRequest { Model = Moons, Count = 3, Temperature = double.NaN })),
        async c => await c.EncodeAsync(new EncodeRequest { Model = Planar, Points = TwoPoints }),
        async c => await c.LogProbAsync(new LogProbRequest { Model = "no-such-model", Points = TwoPoints }),
        async c => await c.DecodeAsync(new DecodeRequest { Model = Moons, Latents = WireTensors.Of([3e38f, -3e38f, 3e38f, 3e38f], 2, 2) }),
        c => Rpcs.ReadAll(c.Sample(new SampleRequest { Model = NaNWeights, Count = 3 })),
    ];

    [Fact]
    public async Task A_thousand_mixed_requests_leave_the_live_tensor_count_where_it_was()
    {
        var compute = served.Server.Service<ComputeScheduler>();
        foreach (var request in Requests) await Attempt(request); // warm up: first calls may build lasting state
        var before = await ServerTensors.Count(compute);

        int failures = 0;
        // Four at a time, so both compute threads work and requests interleave.
        for (int first = 0; first < 1000; first += 4)
        {
            var batch = Enumerable.Range(first, 4).Select(i => Attempt(Requests[i % Requests.Length]));
            failures += (await Task.WhenAll(batch)).Count(failed => failed);
        }

        var after = await ServerTensors.Count(compute);
        Assert.True(failures >= 1000 / Requests.Length * 4, $"only {failures} requests failed: the mix is not what it says");
        Assert.True(before.SameAs(after), $"live tensors before: {before}; after: {after}");
        Assert.Equal(after.PerComputeThread.Values.Sum(), compute.LiveTensors); // the server's own leak gauge agrees
    }

    async Task<bool> Attempt(Func<Client, Task> request)
    {
        try
        {
            await request(served.Models);
            return false;
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Unknown && e.StatusCode != StatusCode.Internal)
        {
            return true;
        }
    }
}
