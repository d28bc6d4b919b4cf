using FlowLive.Protos.Client;
using FlowLive.Protos.V1;
using FlowLive.Server;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace FlowLive.Tests.Server;

public sealed class ApiKeyTests
{
    const string Key = "a-test-key-of-32-characters-long";

    [Fact]
    public async Task With_a_key_configured_calls_without_it_or_with_a_wrong_one_are_unauthenticated()
    {
        await using var server = await RunningServer.Kestrel(s => s.ApiKey = Key);

        var none = await Assert.ThrowsAsync<RpcException>(async () => await server.Models.ListModelsAsync(new ListModelsRequest()));
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        Assert.Equal("x-api-key: missing or wrong API key", none.Status.Detail);

        var wrong = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Models.ListModelsAsync(new ListModelsRequest(), new Metadata { { "x-api-key", Key + "x" } }));
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);

        // Streams are checked before they start.
        var stream = server.Models.Sample(new SampleRequest { Model = "two_moons-realnvp", Count = 3 });
        var streamed = await Assert.ThrowsAsync<RpcException>(async () => await stream.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Unauthenticated, streamed.StatusCode);

        var right = await server.Models.ListModelsAsync(new ListModelsRequest(), new Metadata { { "x-api-key", Key } });
        Assert.NotEmpty(right.Models);
    }

    [Fact]
    public async Task Health_needs_no_key_and_the_balanced_client_sends_its_own()
    {
        await using var server = await RunningServer.Kestrel(s => s.ApiKey = Key);
        var health = await server.Health.CheckAsync(new HealthCheckRequest { Service = FlowLiveServer.ModelServiceName });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        using var channel = FlowLiveChannel.Create([server.Address], new FlowLiveChannelOptions { ApiKey = Key });
        var models = await new ModelService.ModelServiceClient(channel).ListModelsAsync(new ListModelsRequest());
        Assert.NotEmpty(models.Models);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("short-key")]
    public void A_blank_or_short_key_is_refused_naming_the_setting(string key)
    {
        var error = Assert.Throws<ServerConfigurationException>(() => FlowLiveServer.Build([], s => { s.Port = 0; s.ApiKey = key; }));
        Assert.Equal("FlowLive:ApiKey", error.Setting);
    }

    [Fact]
    public async Task Without_a_key_training_is_refused_beyond_loopback_naming_the_setting()
    {
        await using var open = await RunningServer.Kestrel(s =>
        {
            s.Host = "0.0.0.0";
            s.Insecure = true;
        });
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{new Uri(open.Address).Port}");
        var training = new TrainingService.TrainingServiceClient(channel);
        var start = await Assert.ThrowsAsync<RpcException>(async () =>
            await training.StartTrainingAsync(new StartTrainingRequest { Preset = "radboud-moons", Fast = true }));
        Assert.Equal(StatusCode.PermissionDenied, start.StatusCode);
        Assert.Contains("FlowLive:ApiKey", start.Status.Detail);
        var list = await Assert.ThrowsAsync<RpcException>(async () => await training.ListJobsAsync(new ListJobsRequest()));
        Assert.Equal(StatusCode.PermissionDenied, list.StatusCode);
        // Reads stay open on that bind (it was opened on purpose with --insecure).
        Assert.NotEmpty((await new ModelService.ModelServiceClient(channel).ListModelsAsync(new ListModelsRequest())).Models);

        await using var loopback = await RunningServer.Kestrel();
        Assert.Empty((await loopback.Training.ListJobsAsync(new ListJobsRequest())).Jobs);
    }

    [Fact]
    public async Task With_a_key_training_needs_it_and_reflection_does_not()
    {
        await using var server = await RunningServer.Kestrel(s => s.ApiKey = Key);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await server.Training.ListJobsAsync(new ListJobsRequest()));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Empty((await server.Training.ListJobsAsync(new ListJobsRequest(), new Metadata { { "x-api-key", Key } })).Jobs);

        using var reflection = new ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext());
        Assert.Contains(reflection.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == FlowLiveServer.TrainingServiceName);
    }
}
