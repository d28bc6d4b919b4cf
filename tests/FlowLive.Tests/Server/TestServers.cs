using FlowLive.Protos.V1;
using FlowLive.Server;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowLive.Tests.Server;

/// <summary>
/// A running FlowLive server for a test: in memory (TestServer, fast, no sockets) or on real Kestrel over loopback
/// (real HTTP/2 flow control, deadlines, cancellation). Serves the bundled models unless told otherwise; its models
/// and jobs folders are temporary and removed on dispose.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly string scratch;

    private RunningServer(WebApplication app, GrpcChannel channel, string address, string scratch, CapturedLogs logs)
    {
        (App, Channel, Address, this.scratch, Logs) = (app, channel, address, scratch, logs);
    }

    public WebApplication App { get; }
    public GrpcChannel Channel { get; }
    public string Address { get; }

    /// <summary>What the server logged at information level and above, with the structured fields.</summary>
    public CapturedLogs Logs { get; }

    /// <summary>The folder the server watches for extra models (empty at start).</summary>
    public string ModelsDirectory => Path.Combine(scratch, "models");

    /// <summary>The folder finished training jobs write their models to.</summary>
    public string JobsDirectory => Path.Combine(scratch, "jobs");

    public ModelService.ModelServiceClient Models => new(Channel);
    public TrainingService.TrainingServiceClient Training => new(Channel);
    public Grpc.Health.V1.Health.HealthClient Health => new(Channel);
    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>An in-memory server (no sockets).</summary>
    /// <param name="host">A last say over the host, e.g. a logger provider that records what the server logs.</param>
    public static Task<RunningServer> InMemory(Action<ServerOptions>? configure = null, Action<WebApplicationBuilder>? host = null) =>
        Start(configure, host, kestrel: false);

    /// <summary>A server on real Kestrel at 127.0.0.1 on a free port (and its metrics on another).</summary>
    public static Task<RunningServer> Kestrel(Action<ServerOptions>? configure = null, Action<WebApplicationBuilder>? host = null) =>
        Start(configure, host, kestrel: true);

    private static async Task<RunningServer> Start(Action<ServerOptions>? configure, Action<WebApplicationBuilder>? host, bool kestrel)
    {
        var scratch = Directory.CreateTempSubdirectory("flowlive-server-test-").FullName;
        var logs = new CapturedLogs();
        Directory.CreateDirectory(Path.Combine(scratch, "models"));
        var app = FlowLiveServer.Build([], settings =>
        {
            settings.Port = 0;
            settings.MetricsPort = 0;
            settings.ModelsDirectory = Path.Combine(scratch, "models");
            settings.JobsDirectory = Path.Combine(scratch, "jobs");
            settings.ReloadSeconds = 0.2;
            configure?.Invoke(settings);
        }, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            if (!kestrel) builder.WebHost.UseTestServer();
            host?.Invoke(builder);
        });
        await app.StartAsync();
        GrpcChannel channel;
        string address;
        if (kestrel)
        {
            address = FlowLiveServer.Address(app);
            channel = GrpcChannel.ForAddress(address);
        }
        else
        {
            var test = app.GetTestServer();
            address = test.BaseAddress.ToString();
            channel = GrpcChannel.ForAddress(test.BaseAddress, new GrpcChannelOptions { HttpHandler = test.CreateHandler() });
        }
        return new RunningServer(app, channel, address, scratch, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5))) await App.StopAsync(stop.Token);
        await App.DisposeAsync();
        try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
