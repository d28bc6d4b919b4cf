using FlowLive.Protos.Client;
using FlowLive.Protos.V1;
using FlowLive.Server;
using FlowLive.Server.Operations;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Options;

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

    // The training service is its own helper's work; its gate is this interceptor's, checked here on a bare call.
    [Fact]
    public async Task Without_a_key_training_is_refused_beyond_loopback_naming_the_setting()
    {
        var open = Interceptor(new ServerOptions { Host = "0.0.0.0", Insecure = true });
        var error = await Assert.ThrowsAsync<RpcException>(() => Call(open, "/flowlive.v1.TrainingService/StartTraining"));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("FlowLive:ApiKey", error.Status.Detail);
        // Reads stay open on that bind (it was opened on purpose with --insecure).
        await Call(open, "/flowlive.v1.ModelService/ListModels");

        var loopback = Interceptor(new ServerOptions());
        await Call(loopback, "/flowlive.v1.TrainingService/StartTraining");
    }

    [Fact]
    public async Task With_a_key_training_anywhere_needs_the_key_and_health_never_does()
    {
        var keyed = Interceptor(new ServerOptions { Host = "0.0.0.0", Insecure = true, ApiKey = Key });
        await Call(keyed, "/flowlive.v1.TrainingService/StartTraining", Key);
        var missing = await Assert.ThrowsAsync<RpcException>(() => Call(keyed, "/flowlive.v1.TrainingService/StartTraining"));
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        await Call(keyed, "/grpc.health.v1.Health/Check");
        await Call(keyed, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
    }

    static ApiKeyInterceptor Interceptor(ServerOptions settings) => new(Options.Create(settings));

    static Task<Empty> Call(ApiKeyInterceptor interceptor, string method, string? key = null)
    {
        var headers = new Metadata();
        if (key is not null) headers.Add("x-api-key", key);
        return interceptor.UnaryServerHandler(new Empty(), new BareCallContext(method, headers), (_, _) => Task.FromResult(new Empty()));
    }
}

/// <summary>Just enough of a server call for an interceptor: its method and request headers.</summary>
sealed class BareCallContext(string method, Metadata headers) : ServerCallContext
{
    protected override string MethodCore => method;
    protected override string HostCore => "localhost";
    protected override string PeerCore => "ipv4:127.0.0.1:1";
    protected override DateTime DeadlineCore => DateTime.MaxValue;
    protected override Metadata RequestHeadersCore => headers;
    protected override CancellationToken CancellationTokenCore => CancellationToken.None;
    protected override Metadata ResponseTrailersCore { get; } = [];
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore => new(null, []);
    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();
    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}
