using System.CommandLine;
using FlowLive.Server;
using Microsoft.Extensions.Hosting;

namespace FlowLive.Cli.Commands;

/// <summary>
/// `flowlive serve`: the gRPC server (server/) in this process, on the bundled models plus --models DIR. Flags set
/// the same keys as ASP.NET Core configuration (appsettings.json, FlowLive__* environment variables), which stay
/// available for everything else (certificate password, limits, FlowLive__ApiKey). Runs until Ctrl-C, then shuts down
/// gracefully: running calls get FlowLive:ShutdownSeconds (10 s) to finish.
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
        var certificate = new Option<FileInfo?>("--certificate") { Description = "TLS certificate: a .pfx (password in FlowLive__CertificatePassword) or a PEM with --certificate-key" };
        var certificateKey = new Option<FileInfo?>("--certificate-key") { Description = "the PEM private key of --certificate" };
        var apiKeyFile = new Option<FileInfo?>(ApiKeyFile.Flag)
        {
            Description = "a file holding the API key every call but health must send as x-api-key (or set FlowLive__ApiKey); without one, training is loopback-only",
        };
        var metricsPort = new Option<int?>("--metrics-port") { Description = "port of the Prometheus /metrics endpoint (default 9464; 0 = any free port, -1 = none)" };
        var logFormat = new Option<string?>("--log-format") { Description = "console log format: text or json (one object per line)" }
            .AcceptOnlyFromAmong("text", "json");
        var command = new Command("serve", "serve models over gRPC (sampling, per-layer traces, densities, interpolation, live training)")
        {
            models, port, host, device, insecure, noBundled, threads, certificate, certificateKey, apiKeyFile, metricsPort, logFormat,
        };
        command.SetAction(parsed =>
        {
            var key = parsed.GetValue(apiKeyFile) is { } keyFile ? ApiKeyFile.Read(keyFile) : null;
            WebApplicationRun(output, settings =>
            {
                if (parsed.GetValue(models) is { } dir) settings.ModelsDirectory = dir.FullName;
                settings.Port = parsed.GetValue(port);
                settings.Host = parsed.GetValue(host)!;
                settings.Device = parsed.GetValue(device)!;
                settings.Insecure |= parsed.GetValue(insecure);
                settings.IncludeBundled &= !parsed.GetValue(noBundled);
                if (parsed.GetValue(threads) != 0) settings.TorchThreads = parsed.GetValue(threads);
                if (parsed.GetValue(certificate) is { } cert) settings.CertificatePath = cert.FullName;
                if (parsed.GetValue(certificateKey) is { } certKey) settings.CertificateKeyPath = certKey.FullName;
                if (key is not null) settings.ApiKey = key;
                if (parsed.GetValue(metricsPort) is { } metrics) settings.MetricsPort = metrics;
                if (parsed.GetValue(logFormat) is { } format) settings.LogFormat = format;
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
            throw new UsageException(e.Setting, e.Problem);
        }
        app.Start();
        var metrics = FlowLiveServer.MetricsAddress(app) is { } scrape ? $", metrics at {scrape}" : "";
        output.WriteLine($"flowlive: serving on {FlowLiveServer.Address(app)}{metrics} (Ctrl-C stops)");
        app.WaitForShutdown();
    }
}
