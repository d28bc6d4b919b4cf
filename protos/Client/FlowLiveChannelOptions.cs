using System.Net.Security;
using Microsoft.Extensions.Logging;

namespace FlowLive.Protos.Client;

/// <summary>How <see cref="FlowLiveChannel.Create"/> talks to the replicas.</summary>
public sealed class FlowLiveChannelOptions
{
    /// <summary>Sent as metadata "x-api-key" on every call (the server's FlowLive:ApiKey).</summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// Decides whether to trust a replica's TLS certificate, e.g. a self-signed one by thumbprint; null keeps the
    /// machine's trust store.
    /// </summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    /// <summary>Attempts of a model (read) call that a replica answered UNAVAILABLE, the first included (1: no retries).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The largest response message accepted, in bytes; null keeps grpc-dotnet's 4 MiB.</summary>
    public int? MaxReceiveMessageSize { get; init; }

    /// <summary>How long to wait before watching a replica's health again after the watch failed.</summary>
    public TimeSpan HealthRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public ILoggerFactory? LoggerFactory { get; init; }
}
