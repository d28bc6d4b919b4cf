extern alias viewer;
using FlowLive.Protos.V1;
using FlowLive.Server.Operations;
using FlowLive.Tests.Server;
using viewer::FlowLive.Viewer.Client;

namespace FlowLive.Tests.Viewer.Client;

public sealed class ServerLinkTests
{
    [Fact]
    public async Task Model_calls_spread_over_every_address_and_training_calls_stay_on_the_first()
    {
        await using var first = await RunningServer.Kestrel();
        await using var second = await RunningServer.Kestrel();
        using var link = new ServerLink([first.Address, second.Address]);

        for (int i = 0; i < 20; i++) await link.Models.ListModelsAsync(new ListModelsRequest());
        for (int i = 0; i < 6; i++) await link.Training.ListJobsAsync(new ListJobsRequest());

        double Calls(RunningServer server, string rpc) => server.Service<ServerMetrics>().Requests.WithLabels(rpc, "ok").Value;
        const string listModels = "flowlive.v1.ModelService/ListModels", listJobs = "flowlive.v1.TrainingService/ListJobs";
        Assert.Equal(20, Calls(first, listModels) + Calls(second, listModels));
        Assert.True(Calls(first, listModels) > 0 && Calls(second, listModels) > 0,
            $"model calls went {Calls(first, listModels)} to one server and {Calls(second, listModels)} to the other");
        Assert.Equal(6, Calls(first, listJobs));
        Assert.Equal(0, Calls(second, listJobs));
    }
}
