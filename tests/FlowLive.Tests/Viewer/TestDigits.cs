using FlowLive.Protos.V1;
using FlowLive.Tests.Server;
using Grpc.Core;

namespace FlowLive.Tests.Viewer;

/// <summary>Real MNIST test digits from a server (SampleData of realnvp-mnist): the ends the image scenes show.</summary>
public static class TestDigits
{
    /// <summary>The first <paramref name="count"/> digits of seed 1, pixel after pixel; skips the test where the images are missing.</summary>
    public static async Task<List<float>> Of(RunningServer server, int count)
    {
        var examples = new List<float>();
        try
        {
            var call = server.Models.SampleData(new SampleDataRequest { Model = "realnvp-mnist", Count = count, Seed = 1 });
            await foreach (var chunk in call.ResponseStream.ReadAllAsync()) examples.AddRange(WireTensors.Values(chunk.Points));
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            Skip.If(true, $"the MNIST test images are not on this machine: {e.Status.Detail}");
        }
        return examples;
    }
}
