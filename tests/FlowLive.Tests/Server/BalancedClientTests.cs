using FlowLive.Protos.Client;
using FlowLive.Protos.V1;
using FlowLive.Server;
using FlowLive.Server.Operations;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;

namespace FlowLive.Tests.Server;

public sealed class BalancedClientTests
{
    const string LogProbRpc = "flowlive.v1.ModelService/LogProb";
    const string SampleRpc = "flowlive.v1.ModelService/Sample";

    [Fact]
    public async Task Calls_spread_over_two_replicas_and_keep_answering_when_one_shuts_down_mid_run()
    {
        await using var a = await RunningServer.Kestrel();
        var b = await RunningServer.Kestrel();
        using var channel = FlowLiveChannel.Create([a.Address, b.Address]);
        var client = new ModelService.ModelServiceClient(channel);

        var metricsOfB = b.Service<ServerMetrics>();
        await using (b)
        {
            await Calls(client, 40);
            Assert.True(Answered(a) >= 10 && Answered(b) >= 10, $"calls went {Answered(a)} to one replica and {Answered(b)} to the other");

            // Shut b down while calls keep coming: it drains, refuses new calls (retried on a) and goes.
            var stopping = Task.Run(async () =>
            {
                await Task.Delay(50);
                await b.App.StopAsync();
            });
            await Calls(client, 60);
            await stopping;
        }
        double onB = Answered(metricsOfB);
        await Calls(client, 20);
        Assert.Equal(onB, Answered(metricsOfB));
        Assert.Equal(120, Answered(a) + Answered(metricsOfB));
    }

    [Fact]
    public async Task A_replica_killed_mid_run_costs_at_most_the_call_it_was_serving()
    {
        await using var a = await RunningServer.Kestrel();
        var b = await RunningServer.Kestrel();
        using var channel = FlowLiveChannel.Create([a.Address, b.Address]);
        var client = new ModelService.ModelServiceClient(channel);

        await Calls(client, 20);
        Assert.True(Answered(b) > 0);
        int failed = 0;
        var killing = Task.Run(async () =>
        {
            await Task.Delay(30);
            await b.App.StopAsync(new CancellationToken(canceled: true)); // no drain: connections are cut
        });
        for (int i = 0; i < 60; i++)
        {
            try { await OneCall(client, i); }
            catch (RpcException e)
            {
                Assert.Equal(StatusCode.Unavailable, e.StatusCode);
                failed++;
            }
        }
        await killing;
        await b.DisposeAsync();
        Assert.InRange(failed, 0, 1);
        await Calls(client, 20);
    }

    [Fact]
    public async Task A_replica_that_says_not_serving_gets_no_calls_until_it_serves_again()
    {
        await using var a = await RunningServer.Kestrel();
        await using var b = await RunningServer.Kestrel();
        using var channel = FlowLiveChannel.Create([a.Address, b.Address]);
        var client = new ModelService.ModelServiceClient(channel);
        await Calls(client, 10);

        var health = b.Service<HealthServiceImpl>();
        health.SetStatus(FlowLiveServer.ModelServiceName, HealthCheckResponse.Types.ServingStatus.NotServing);
        Assert.True(await Rpcs.Eventually(async () =>
        {
            double before = Answered(b);
            await Calls(client, 10);
            return Answered(b) == before;
        }, TimeSpan.FromSeconds(5)), "the replica that said NOT_SERVING still got calls after 5 s");

        health.SetStatus(FlowLiveServer.ModelServiceName, HealthCheckResponse.Types.ServingStatus.Serving);
        Assert.True(await Rpcs.Eventually(async () =>
        {
            double before = Answered(b);
            await Calls(client, 10);
            return Answered(b) > before;
        }, TimeSpan.FromSeconds(5)), "the replica serving again got no calls within 5 s");
    }

    [Fact]
    public void Addresses_must_be_http_or_https_and_not_both()
    {
        Assert.Throws<ArgumentException>(() => FlowLiveChannel.Create([]));
        Assert.Throws<ArgumentException>(() => FlowLiveChannel.Create(["127.0.0.1:50051"]));
        Assert.Throws<ArgumentException>(() => FlowLiveChannel.Create(["http://127.0.0.1:50051", "https://127.0.0.1:50052"]));
    }

    /// <summary>Calls answered OK by a replica, by its own metrics.</summary>
    static double Answered(RunningServer server) => Answered(server.Service<ServerMetrics>());

    static double Answered(ServerMetrics metrics)
    {
        var requests = metrics.Requests;
        return requests.WithLabels(LogProbRpc, "ok").Value + requests.WithLabels(SampleRpc, "ok").Value;
    }

    static async Task Calls(ModelService.ModelServiceClient client, int count)
    {
        for (int i = 0; i < count; i++) await OneCall(client, i);
    }

    /// <summary>A log-density call or a small sample stream, in turn; each must answer in full.</summary>
    static async Task OneCall(ModelService.ModelServiceClient client, int i)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        if (i % 2 == 0)
        {
            var response = await client.LogProbAsync(new LogProbRequest { Model = "two_moons-realnvp", Points = WireTensors.Of([0.5f, 0.25f, -1, 0.5f], 2, 2) },
                deadline: deadline);
            Assert.Equal([2L], response.LogProb.Shape);
        }
        else
        {
            using var call = client.Sample(new SampleRequest { Model = "two_moons-realnvp", Count = 50, Seed = i }, deadline: deadline);
            long points = 0;
            await foreach (var message in call.ResponseStream.ReadAllAsync()) points += message.Points.Shape[0];
            Assert.Equal(50, points);
        }
    }
}
