using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace FlowLive.Server;

/// <summary>
/// Where and how the server listens: loopback by default; any other address needs TLS (a certificate by
/// configuration) or an explicit Insecure, so nobody exposes an unauthenticated, unencrypted server by accident.
/// </summary>
public static class ServerBinding
{
    public const int MinimumApiKeyLength = 16;

    public static void Check(ServerOptions settings)
    {
        if (settings.Port is < 0 or > 65535)
            throw new ServerConfigurationException("--port", $"must be 0 (any free port) to 65535, got {settings.Port}");
        var address = Address(settings);
        bool tls = settings.CertificatePath is { Length: > 0 };
        if (!IPAddress.IsLoopback(address) && !tls && !settings.Insecure)
            throw new ServerConfigurationException("--host",
                $"{settings.Host} is not a loopback address: configure TLS (FlowLive:CertificatePath) or pass --insecure to serve plain HTTP/2 to the network");
        if (tls && !File.Exists(settings.CertificatePath))
            throw new ServerConfigurationException("--certificate", $"no certificate file at {settings.CertificatePath}");
        if (settings.MetricsPort is < -1 or > 65535)
            throw new ServerConfigurationException("--metrics-port", $"must be -1 (no metrics), 0 (any free port) or up to 65535, got {settings.MetricsPort}");
        if (settings.MetricsPort > 0 && settings.MetricsPort == settings.Port)
            throw new ServerConfigurationException("--metrics-port", $"must differ from --port ({settings.Port}): metrics speak HTTP/1.1, gRPC HTTP/2");
        if (settings.ApiKey is { } key && key.Trim().Length < MinimumApiKeyLength)
            throw new ServerConfigurationException("FlowLive:ApiKey",
                $"is {(key.Trim().Length == 0 ? "empty" : "too short")}: use at least {MinimumApiKeyLength} characters (e.g. `openssl rand -hex 32`), or unset it");
        if (settings.LogFormat is not ("text" or "json"))
            throw new ServerConfigurationException("--log-format", $"must be text or json, got '{settings.LogFormat}'");
        if (settings.TorchThreads < 0)
            throw new ServerConfigurationException("--threads", $"must be 0 (one thread per compute worker) or more, got {settings.TorchThreads}");
        if (!(settings.ShutdownSeconds >= 0))
            throw new ServerConfigurationException("FlowLive:ShutdownSeconds", $"must be 0 or more, got {settings.ShutdownSeconds}");
        if (settings.ModelsDirectory is { Length: > 0 } dir && !Directory.Exists(dir))
            throw new ServerConfigurationException("--models", $"no folder at {dir}");
        try { Devices.DeviceChoice.Resolve(settings.Device); }
        catch (ArgumentException e) { throw new ServerConfigurationException("--device", e.Message); }
    }

    public static IPAddress Address(ServerOptions settings)
    {
        if (settings.Host is "localhost") return IPAddress.Loopback;
        return IPAddress.TryParse(settings.Host, out var address) ? address
            : throw new ServerConfigurationException("--host", $"'{settings.Host}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)");
    }

    public static X509Certificate2? Certificate(ServerOptions settings)
    {
        if (settings.CertificatePath is not { Length: > 0 } path) return null;
        try
        {
            return settings.CertificateKeyPath is { Length: > 0 } key
                ? X509Certificate2.CreateFromPemFile(path, key)
                : X509CertificateLoader.LoadPkcs12FromFile(path, settings.CertificatePassword);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new ServerConfigurationException("--certificate", $"cannot read {path}: {e.Message}");
        }
    }
}

/// <summary>A configuration the server refuses to start with; names the setting (a usage error for the CLI).</summary>
public sealed class ServerConfigurationException(string setting, string problem) : Exception($"{setting} {problem}")
{
    public string Setting { get; } = setting;
    /// <summary>What is wrong with the setting, without its name.</summary>
    public string Problem { get; } = problem;
}
