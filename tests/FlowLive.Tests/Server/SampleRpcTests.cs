using FlowLive.Models;
using FlowLive.Protos.V1;
using Grpc.Core;
using static TorchSharp.torch;

namespace FlowLive.Tests.Server;

public sealed class SampleRpcTests
{
    [Fact]
    public async Task Samples_over_the_wire_are_the_flows_own_samples_for_the_same_seed_whatever_the_chunk_size()
    {
        await using var server = await RunningServer.InMemory();
        using var model = ModelFile.Load(BundledModels.Find("two_moons-realnvp")!);
        float[] expected;
        using (var scope = NewDisposeScope())
            expected = model.Flow.Sample(1000, 0.8, seed: 42).data<float>().ToArray();

        foreach (int chunk in new[] { 0, 7, 1000 })
        {
            var call = server.Models.Sample(new SampleRequest { Model = "two_moons-realnvp", Count = 1000, Seed = 42, Temperature = 0.8, ChunkSize = chunk });
            var received = new List<float>();
            long nextOffset = 0;
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                Assert.Equal(nextOffset, response.Offset);
                Assert.Equal(42, response.Seed);
                Assert.Equal(1000, response.Total);
                Assert.Equal(2, response.Points.Shape[1]);
                nextOffset += response.Points.Shape[0];
                received.AddRange(WireTensors.Values(response.Points));
            }
            Assert.Equal(expected.Length, received.Count);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], received[i], 1e-5f);
        }
    }
}
