using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FlowLive.Protos.V1;
using FlowLive.Server;
using Grpc.Core;
using Grpc.Net.Client;

namespace FlowLive.Tests.Server;

public sealed class BindingTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("flowlive-binding-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void A_non_loopback_address_without_TLS_or_insecure_is_refused_naming_host()
    {
        var error = Assert.Throws<ServerConfigurationException>(() => FlowLiveServer.Build([], s => { s.Host = "0.0.0.0"; s.Port = 0; }));
        Assert.Equal("--host", error.Setting);
        Assert.Contains("--insecure", error.Message);
        Assert.Contains("FlowLive:CertificatePath", error.Message);
    }

    [Fact]
    public void A_negative_thread_count_is_refused_from_configuration_and_from_the_command_line()
    {
        var error = Assert.Throws<ServerConfigurationException>(() => FlowLiveServer.Build([], s => { s.Port = 0; s.TorchThreads = -1; }));
        Assert.Equal("--threads", error.Setting);
        Assert.Equal("must be 0 (one thread per compute worker) or more, got -1", error.Problem);

        var serve = FlowLive.Tests.Cli.CliRunner.Run("serve", "--threads", "-1", "--port", "0");
        Assert.Equal(2, serve.ExitCode);
        Assert.Contains("--threads: must be 0", serve.Error);
    }

    [Fact]
    public async Task With_a_certificate_the_server_speaks_TLS_to_a_client_that_trusts_it()
    {
        var (pfx, thumbprint) = SelfSignedCertificate(directory, "pfx-password");
        await using var server = await RunningServer.Kestrel(s =>
        {
            s.CertificatePath = pfx;
            s.CertificatePassword = "pfx-password";
        });
        Assert.StartsWith("https://127.0.0.1:", server.Address);

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == thumbprint };
        using (var trusting = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = false }))
        {
            var models = await new ModelService.ModelServiceClient(trusting).ListModelsAsync(new ListModelsRequest());
            Assert.Contains(models.Models, m => m.Name == "two_moons-realnvp");
        }

        // A client that trusts only the machine's store refuses the self-signed certificate.
        using (var doubting = GrpcChannel.ForAddress(server.Address))
        {
            var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                await new ModelService.ModelServiceClient(doubting).ListModelsAsync(new ListModelsRequest()));
            Assert.NotEqual(StatusCode.OK, refused.StatusCode);
            Assert.Contains("SSL", refused.Status.Detail);
        }

        // The metrics port wears the same certificate.
        Assert.StartsWith("https://", FlowLiveServer.MetricsAddress(server.App));
        var scrape = await ScrapedMetrics.Get(FlowLiveServer.MetricsAddress(server.App)!, handler);
        Assert.Equal(1, scrape.Value("flowlive_requests_total", ("rpc", "flowlive.v1.ModelService/ListModels"), ("status", "ok")));
    }

    [Fact]
    public async Task Every_address_with_insecure_serves_plain_HTTP2()
    {
        await using var server = await RunningServer.Kestrel(s =>
        {
            s.Host = "0.0.0.0";
            s.Insecure = true;
        });
        var port = new Uri(server.Address).Port;
        Assert.Equal($"http://0.0.0.0:{port}", server.Address);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var models = await new ModelService.ModelServiceClient(channel).ListModelsAsync(new ListModelsRequest());
        Assert.NotEmpty(models.Models);
    }

    [Fact]
    public void A_missing_or_unreadable_certificate_is_refused_naming_certificate()
    {
        var missing = Assert.Throws<ServerConfigurationException>(() =>
            FlowLiveServer.Build([], s => { s.Port = 0; s.CertificatePath = Path.Combine(directory, "none.pfx"); }));
        Assert.Equal("--certificate", missing.Setting);

        var garbage = Path.Combine(directory, "garbage.pfx");
        File.WriteAllText(garbage, "not a certificate");
        var unreadable = Assert.Throws<ServerConfigurationException>(() => FlowLiveServer.Build([], s => { s.Port = 0; s.CertificatePath = garbage; }));
        Assert.Equal("--certificate", unreadable.Setting);
        Assert.Contains("cannot read", unreadable.Message);
    }

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost as a password-protected .pfx; returns its path and thumbprint.</summary>
    internal static (string Path, string Thumbprint) SelfSignedCertificate(string folder, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=flowlive-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server auth
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(folder, "server.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return (path, certificate.Thumbprint);
    }
}
