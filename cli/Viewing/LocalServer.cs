using FlowLive.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowLive.Cli.Viewing;

/// <summary>
/// A server in this process on a free loopback port, for `view`, `render` and `demo` when no --server is given: the
/// viewer is a client like any other, this one just happens to live next door.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private LocalServer(WebApplication app) => (this.app, Address) = (app, FlowLiveServer.Address(app));

    public string Address { get; }

    public static LocalServer Start()
    {
        var app = FlowLiveServer.Build([], settings =>
        {
            settings.Port = 0;
            settings.Host = "127.0.0.1";
            settings.MetricsPort = -1; // a private server: no Prometheus port to collide with `flowlive serve`
        }, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        app.Start();
        return new LocalServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(stop.Token);
        await app.DisposeAsync();
    }
}
