using FlowLive.Protos.V1;
using Grpc.Core;

namespace FlowLive.Tests.Server;

public sealed class DataAndLatentTraceTests
{
    [Fact]
    public async Task Data_examples_are_the_models_data_reproducible_by_seed()
    {
        await using var server = await RunningServer.InMemory();
        async Task<float[]> Draw(long seed)
        {
            var call = server.Models.SampleData(new SampleDataRequest { Model = "two_moons-realnvp", Count = 2000, Seed = seed });
            var values = new List<float>();
            await foreach (var chunk in call.ResponseStream.ReadAllAsync())
            {
                Assert.Equal(2000, chunk.Total);
                Assert.Equal("two_moons", chunk.Dataset);
                values.AddRange(WireTensors.Values(chunk.Points));
            }
            return values.ToArray();
        }
        var first = await Draw(7);
        Assert.Equal(first, await Draw(7));
        Assert.NotEqual(first, await Draw(8));
        // Real moons data sits where the model puts its mass: its mean log-density is near the data's entropy (-2.39
        // nats, see the model's metrics), far above what points of a broad Gaussian get.
        var logProb = await server.Models.LogProbAsync(new LogProbRequest { Model = "two_moons-realnvp", Points = WireTensors.Of(first, 2000, 2) });
        Assert.InRange(WireTensors.Values(logProb.LogProb).Average(), -2.6, -2.2);
    }

    [Fact]
    public async Task Latents_traced_forward_end_where_decode_takes_them()
    {
        await using var server = await RunningServer.InMemory();
        var latents = new float[] { 0, 0, 1, -1, -2, 0.5f };
        var call = server.Models.Trace(new TraceRequest { Model = "two_moons-realnvp", Latents = WireTensors.Of(latents, 3, 2) });
        var states = new List<TraceResponse>();
        await foreach (var message in call.ResponseStream.ReadAllAsync()) states.Add(message);
        Assert.Equal(9, states.Count);
        Assert.Equal(latents, WireTensors.Values(states[0].State));
        var decoded = await server.Models.DecodeAsync(new DecodeRequest { Model = "two_moons-realnvp", Latents = WireTensors.Of(latents, 3, 2) });
        var last = WireTensors.Values(states[^1].State);
        var expected = WireTensors.Values(decoded.Points);
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], last[i], 1e-5f);
    }

    [Fact]
    public async Task Points_and_latents_together_are_refused_naming_the_field()
    {
        await using var server = await RunningServer.InMemory();
        var both = new TraceRequest { Model = "two_moons-realnvp", Latents = WireTensors.Of([0, 0], 1, 2), Points = WireTensors.Of([0, 0], 1, 2) };
        var error = await Assert.ThrowsAsync<RpcException>(async () => await server.Models.Trace(both).ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("latents:", error.Status.Detail);
    }
}
