using System.CommandLine;
using FlowLive.Server;
using Microsoft.Extensions.Hosting;

namespace FlowLive.Cli.Commands;

/// <summary>
/// `flowlive serve`: the gRPC server (server/) in this process, on the bundled models plus --models DIR. Flags set
/// the same keys as ASP.NET Core configuration (appsettings.json, FlowLive__* environment variables), which stay
/// available for everything else (TLS certificate, API key, limits). Runs until Ctrl-C, then shuts down gracefully.
/// </summary>
public static class ServeCommand
{
    public static Command Create(TextWriter output)
    {
        var models = new Option<DirectoryInfo?>("--models") { Description = "a folder of .flow models to serve besides the bundled ones (watched for changes)" };
        var port = new Option<int>("--port") { Description = "TCP port (0 = any free port)", DefaultValueFactory = _ => 50051 };
        var host = new Option<string>("--host") { Description = "address to bind; anything but loopback needs TLS or --insecure", DefaultValueFactory = _ => "127.0.0.1" };
        var device = CommonOptions.Device();
        var insecure = new Option<bool>("--insecure") { Description = "allow plain HTTP/2 on a non-loopback address" };
        var noBundled = new Option<bool>("--no-bundled") { Description = "serve only --models, not the bundled models/" };
        var threads = new Option<int>("--threads") { Description = "libtorch CPU threads per compute worker (0 = 1, fastest for small requests)" };
        var command = new Command("serve", "serve models over gRPC (sampling, per-layer traces, densities, interpolation, live training)")
        {
            models, port, host, device, insecure, noBundled, threads,
        };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(threads) < 0) throw new UsageException("--threads", "must be 0 (automatic) or more");
            WebApplicationRun(output, settings =>
            {
                if (parsed.GetValue(models) is { } dir) settings.ModelsDirectory = dir.FullName;
                settings.Port = parsed.GetValue(port);
                settings.Host = parsed.GetValue(host)!;
                settings.Device = parsed.GetValue(device)!;
                settings.Insecure |= parsed.GetValue(insecure);
                settings.IncludeBundled &= !parsed.GetValue(noBundled);
                if (parsed.GetValue(threads) > 0) settings.TorchThreads = parsed.GetValue(threads);
            });
            return ExitCodes.Success;
        });
        return command;
    }

    static void WebApplicationRun(TextWriter output, Action<ServerOptions> configure)
    {
        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            app = FlowLiveServer.Build([], configure);
        }
        catch (ServerConfigurationException e)
        {
            throw new UsageException(e.Setting, e.Message[(e.Setting.Length + 1)..]);
        }
        app.Start();
        output.WriteLine($"flowlive: serving on {FlowLiveServer.Address(app)} (Ctrl-C stops)");
        app.WaitForShutdown();
    }
}
