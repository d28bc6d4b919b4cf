using System.Net;
using FlowLive.Server.Compute;
using FlowLive.Server.Jobs;
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
/// Builds the FlowLive gRPC server: Kestrel on one HTTP/2 endpoint (TLS when a certificate is configured), the
/// model and training services, standard health (the server, each service, each model by name) and reflection (so
/// `buf curl` needs no .proto files). Configuration is ASP.NET Core's: appsettings.json, FlowLive__* environment
/// variables, --FlowLive:Key=value arguments; <paramref name="configure"/> lets a caller (the CLI, tests) add its own.
/// </summary>
public static class FlowLiveServer
{
    public const string ModelServiceName = "flowlive.v1.ModelService";
    public const string TrainingServiceName = "flowlive.v1.TrainingService";

    /// <param name="host">A last say over the host before it is built (tests swap Kestrel for an in-memory server).</param>
    public static WebApplication Build(string[] args, Action<ServerOptions>? configure = null, Action<WebApplicationBuilder>? host = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var settings = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        configure?.Invoke(settings);
        ServerBinding.Check(settings);
        builder.Services.AddSingleton(Options.Create(settings));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(ServerBinding.Address(settings), settings.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (ServerBinding.Certificate(settings) is { } certificate)
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(certificate);
                }
            });
        });

        builder.Services.AddGrpc(grpc =>
        {
            // Requests carry at most about 1 MiB of tensor data (checked per field, with a message naming it); the
            // transport limit sits above that so those checks, not a bare transport error, answer first.
            grpc.MaxReceiveMessageSize = 4 * settings.Limits.MaxMessageBytes;
            grpc.MaxSendMessageSize = 4 * settings.Limits.MaxMessageBytes;
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton<HealthServiceImpl>();
        builder.Services.AddSingleton(_ => new ComputeScheduler(ComputeWorkers(), settings.Limits.MaxQueuedWork));
        builder.Services.AddSingleton<ModelRegistry>();
        builder.Services.AddSingleton<DataExamples>();
        builder.Services.AddSingleton<JobManager>();
        builder.Services.AddHostedService<ServerLifetime>();

        host?.Invoke(builder);
        var app = builder.Build();
        app.MapGrpcService<ModelService>();
        app.MapGrpcService<TrainingService>();
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcReflectionService();
        return app;
    }

    /// <summary>The address the server listens on, e.g. "http://127.0.0.1:50051" (the real port when Port was 0).</summary>
    public static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>
    /// Compute threads: one per core, each running libtorch on one thread (set once at start-up), so two requests
    /// compute side by side and no small-tensor request pays for libtorch's intra-op threading.
    /// </summary>
    static int ComputeWorkers() => Math.Max(1, Environment.ProcessorCount);
}
