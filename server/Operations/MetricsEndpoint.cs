using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Prometheus;

namespace FlowLive.Server.Operations;

/// <summary>
/// GET /metrics on a port of its own (FlowLive:MetricsPort, default 9464; -1: none). Prometheus scrapes over
/// HTTP/1.1, and Kestrel cannot serve HTTP/1.1 beside cleartext HTTP/2 on one port (without TLS there is no ALPN to
/// choose by), so the gRPC port stays HTTP/2 only and metrics get their own: on the same address, with the same TLS.
/// </summary>
public sealed class MetricsEndpoint(ServerOptions settings, X509Certificate2? certificate)
{
    public const string Path = "/metrics";

    /// <summary>Kestrel's listener once it is configured (it reports the real port once bound).</summary>
    private ListenOptions? listen;

    public bool Enabled => settings.MetricsPort >= 0;

    /// <summary>Adds the metrics listener to Kestrel.</summary>
    public void Listen(KestrelServerOptions kestrel)
    {
        if (!Enabled) return;
        kestrel.Listen(ServerBinding.Address(settings), settings.MetricsPort, options =>
        {
            options.Protocols = HttpProtocols.Http1;
            if (certificate is not null) options.UseHttps(certificate);
            listen = options;
        });
    }

    /// <summary>Serves the metrics on the metrics listener only (the gRPC port answers no /metrics).</summary>
    public void Map(WebApplication app, ServerMetrics metrics)
    {
        if (Enabled) app.MapWhen(IsMetricsConnection, branch => branch.UseMetricServer(Path, metrics.Registry));
    }

    /// <summary>"http://127.0.0.1:9464/metrics" once the server has started; null without a metrics listener.</summary>
    public string? Address
    {
        get
        {
            if (listen?.IPEndPoint is not { } bound) return null;
            var scheme = certificate is not null ? "https" : "http";
            var host = bound.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bound.Address}]" : bound.Address.ToString();
            return $"{scheme}://{host}:{bound.Port}{Path}";
        }
    }

    private bool IsMetricsConnection(HttpContext context) => listen?.IPEndPoint is { } bound && context.Connection.LocalPort == bound.Port;
}
