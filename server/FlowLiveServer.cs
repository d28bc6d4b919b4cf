using System.Net;
using FlowLive.Server.Compute;
using FlowLive.Server.Jobs;
using FlowLive.Server.Operations;
using FlowLive.Server.Registry;
using FlowLive.Server.Services;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace FlowLive.Server;

/// <summary>
/// Builds the FlowLive gRPC server: Kestrel on one HTTP/2 endpoint for gRPC (TLS when a certificate is configured), the
/// model and training services, standard health (the server, each service, each model by name), reflection (so
/// `buf curl` needs no .proto files), Prometheus metrics on a port of their own, one structured log line per call,
/// the API key check and a graceful shutdown that drains running calls (server/Operations). Configuration is ASP.NET
/// Core's: appsettings.json, FlowLive__* environment variables, --FlowLive:Key=value arguments;
/// <paramref name="configure"/> lets a caller (the CLI, tests) add its own.
/// </summary>
public static class FlowLiveServer
{
    /// <summary>"flowlive.v1.ModelService": the service's name in health checks and in call paths.</summary>
    public static readonly string ModelServiceName = Protos.V1.ModelService.Descriptor.FullName;

    /// <summary>"flowlive.v1.TrainingService".</summary>
    public static readonly string TrainingServiceName = Protos.V1.TrainingService.Descriptor.FullName;

    /// <param name="host">A last say over the host before it is built (tests swap Kestrel for an in-memory server).</param>
    public static WebApplication Build(string[] args, Action<ServerOptions>? configure = null, Action<WebApplicationBuilder>? host = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var settings = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        configure?.Invoke(settings);
        ServerBinding.Check(settings);
        var certificate = ServerBinding.Certificate(settings);
        var metricsEndpoint = new MetricsEndpoint(settings, certificate);
        builder.Services.AddSingleton(Options.Create(settings));
        ConsoleLog(builder.Logging, settings);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(ServerBinding.Address(settings), settings.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (certificate is not null)
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(certificate);
                }
            });
            metricsEndpoint.Listen(kestrel);
        });
        // The drain takes up to ShutdownSeconds; the host's own deadline leaves Kestrel time to close after it.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(settings.ShutdownSeconds + 5));

        builder.Services.AddGrpc(grpc =>
        {
            // Requests carry at most about 1 MiB of tensor data (checked per field, with a message naming it); the
            // transport limit sits above that so those checks, not a bare transport error, answer first.
            grpc.MaxReceiveMessageSize = 4 * settings.Limits.MaxMessageBytes;
            grpc.MaxSendMessageSize = 4 * settings.Limits.MaxMessageBytes;
            grpc.EnableDetailedErrors = false;
            // Outermost first: what the observer records is what the client saw, refusals included.
            grpc.Interceptors.Add<CallObserver>();
            grpc.Interceptors.Add<ShutdownInterceptor>();
            grpc.Interceptors.Add<ApiKeyInterceptor>();
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton<HealthServiceImpl>();
        builder.Services.AddSingleton(_ => new ComputeScheduler(ComputeWorkers(), settings.Limits.MaxQueuedWork));
        builder.Services.AddSingleton<ModelRegistry>();
        builder.Services.AddSingleton<DataExamples>();
        builder.Services.AddSingleton<JobManager>();
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton(metricsEndpoint);
        builder.Services.AddSingleton<ShutdownDrain>();
        builder.Services.AddSingleton<CallObserver>();
        builder.Services.AddSingleton<ShutdownInterceptor>();
        builder.Services.AddSingleton<ApiKeyInterceptor>();
        builder.Services.AddHostedService<ServerLifetime>();

        host?.Invoke(builder);
        var app = builder.Build();
        app.MapGrpcService<ModelService>();
        app.MapGrpcService<TrainingService>();
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcReflectionService();
        metricsEndpoint.Map(app, app.Services.GetRequiredService<ServerMetrics>());
        return app;
    }

    /// <summary>The address the server listens on, e.g. "http://127.0.0.1:50051" (the real port when Port was 0).</summary>
    public static string Address(WebApplication app)
    {
        var metrics = MetricsAddress(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(address => address + MetricsEndpoint.Path != metrics);
    }

    /// <summary>Where Prometheus scrapes, e.g. "http://127.0.0.1:9464/metrics"; null when MetricsPort is -1.</summary>
    public static string? MetricsAddress(WebApplication app) => app.Services.GetRequiredService<MetricsEndpoint>().Address;

    /// <summary>One line per entry, or JSON objects for a log collector (FlowLive:LogFormat=json).</summary>
    static void ConsoleLog(ILoggingBuilder logging, ServerOptions settings)
    {
        // The call observer writes one line per call; ASP.NET Core's own request-start and request-end lines would
        // triple that.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (settings.LogFormat == "json")
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        else
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
    }

    /// <summary>
    /// Compute threads: one per core, each running libtorch on one thread (set once at start-up), so two requests
    /// compute side by side and no small-tensor request pays for libtorch's intra-op threading.
    /// </summary>
    static int ComputeWorkers() => Math.Max(1, Environment.ProcessorCount);
}
