using FlowLive.Protos.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlowLive.Protos.Client;

/// <summary>
/// One channel over several FlowLive replicas: grpc-dotnet's client-side round_robin spreads calls over the replicas
/// that are up and say SERVING (each replica's health is watched, see <see cref="HealthCheckedResolver"/>), and a
/// model call that a replica refuses with UNAVAILABLE (it is shutting down, or just went away) is retried on the next.
/// It is made for ModelService: a training job lives on the replica that started it, so TrainingService calls belong
/// on a channel to that one replica (and are never retried here: starting a job twice is not starting it once).
/// </summary>
public static class FlowLiveChannel
{
    /// <summary>The metadata key that carries the API key (the server's FlowLive:ApiKey).</summary>
    public const string ApiKeyHeader = "x-api-key";

    private const int DefaultMaxReceiveMessageSize = 4 << 20;

    /// <param name="addresses">The replicas, e.g. "http://10.0.0.5:50051", all http or all https.</param>
    public static GrpcChannel Create(IReadOnlyList<string> addresses, FlowLiveChannelOptions? options = null)
    {
        options ??= new FlowLiveChannelOptions();
        var replicas = Replicas(addresses);
        bool tls = replicas[0].Scheme == Uri.UriSchemeHttps;

        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new HealthCheckedResolverFactory(replicas, address => HealthChannel(address, options), options.HealthRetryDelay));
        var transport = tls ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
        return GrpcChannel.ForAddress($"{HealthCheckedResolverFactory.Scheme}:///replicas", new GrpcChannelOptions
        {
            ServiceProvider = services.BuildServiceProvider(),
            HttpHandler = Handler(options),
            Credentials = options.ApiKey is { } key ? ChannelCredentials.Create(transport, ApiKey(key)) : transport,
            // The key travels in the clear only where the server itself was told to serve in the clear (--insecure).
            UnsafeUseInsecureChannelCallCredentials = !tls,
            ServiceConfig = ServiceConfig(options),
            MaxReceiveMessageSize = options.MaxReceiveMessageSize ?? DefaultMaxReceiveMessageSize,
            LoggerFactory = options.LoggerFactory,
        });
    }

    private static List<Uri> Replicas(IReadOnlyList<string> addresses)
    {
        if (addresses.Count == 0) throw new ArgumentException("give at least one replica address, e.g. http://127.0.0.1:50051", nameof(addresses));
        var replicas = new List<Uri>();
        foreach (var address in addresses)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new ArgumentException($"'{address}' is not an http:// or https:// address", nameof(addresses));
            replicas.Add(uri);
        }
        if (replicas.Select(r => r.Scheme).Distinct().Count() > 1)
            throw new ArgumentException("the replicas mix http:// and https://; one channel speaks one of them", nameof(addresses));
        return replicas;
    }

    private static ServiceConfig ServiceConfig(FlowLiveChannelOptions options)
    {
        var config = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
        if (options.MaxAttempts > 1)
            config.MethodConfigs.Add(new MethodConfig
            {
                Names = { new MethodName { Service = ModelService.Descriptor.FullName } },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = options.MaxAttempts,
                    InitialBackoff = TimeSpan.FromMilliseconds(50),
                    MaxBackoff = TimeSpan.FromSeconds(1),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            });
        return config;
    }

    private static SocketsHttpHandler Handler(FlowLiveChannelOptions options) => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        // Pings notice a replica that vanished without closing its connections (a killed VM, a cut cable).
        KeepAlivePingDelay = TimeSpan.FromSeconds(20),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
        SslOptions = { RemoteCertificateValidationCallback = options.ServerCertificateValidation },
    };

    private static GrpcChannel HealthChannel(Uri address, FlowLiveChannelOptions options) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = Handler(options), LoggerFactory = options.LoggerFactory });

    private static CallCredentials ApiKey(string key) => CallCredentials.FromInterceptor((_, metadata) =>
    {
        metadata.Add(ApiKeyHeader, key);
        return Task.CompletedTask;
    });
}
