using FlowLive.Protos.V1;
using Grpc.Core;

namespace FlowLive.Tests.Server;

/// <summary>SampleData: examples of the data a model was trained on.</summary>
public sealed class SampleDataRpcTests
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
}
