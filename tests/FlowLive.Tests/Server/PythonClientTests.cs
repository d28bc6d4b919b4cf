using System.Globalization;
using System.Text.RegularExpressions;
using FlowLive.Protos.V1;
using FlowLive.Tests.Support;
using Grpc.Core;

namespace FlowLive.Tests.Server;

/// <summary>
/// Third-party clients against a real server on Kestrel: Debian's python3 with python3-grpcio, on stubs that
/// clients/python/generate-stubs.sh makes with protoc from protos/. Server/Python/contract_client.py calls every rpc,
/// health and reflection and checks the error statuses and the values against each other; the README's example client
/// (clients/python/flowlive_client.py) must run as written. Skipped when a Debian package they need is missing.
/// </summary>
public sealed class PythonClientTests(PythonStubs stubs) : IClassFixture<PythonStubs>
{
    // Debian's python3, which python3-grpcio installs for: a python3 earlier on PATH (pyenv, a venv) has no gRPC.
    const string Python = "/usr/bin/python3";

    static void RequireDebianTools()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "needs Debian's python3-grpcio and protoc");
        (string Path, string Package)[] needed =
        [
            (Python, "python3"),
            ("/usr/bin/protoc", "protobuf-compiler"),
            ("/usr/bin/grpc_python_plugin", "protobuf-compiler-grpc"),
            ("/usr/include/google/protobuf/timestamp.proto", "libprotobuf-dev"),
            ("/usr/share/grpc-proto/grpc/health/v1/health.proto", "grpc-proto"),
            ("/usr/lib/python3/dist-packages/grpc/__init__.py", "python3-grpcio"),
            ("/usr/lib/python3/dist-packages/google/protobuf/__init__.py", "python3-protobuf"),
        ];
        var missing = needed.Where(n => !File.Exists(n.Path)).Select(n => n.Package).ToList();
        Skip.If(missing.Count > 0, $"missing Debian packages: {string.Join(", ", missing)} (./flowlive test installs them as root)");
    }

    /// <summary>Runs a Python script on the stubs with only Debian's packages: no user site, no proxy, no byte-code left behind.</summary>
    static Task<ExternalProcess.Outcome> RunPython(string stubs, string script, params string[] arguments) =>
        ExternalProcess.RunAsync(Python, [script, .. arguments], environment: new Dictionary<string, string?>
        {
            ["PYTHONPATH"] = stubs,
            ["PYTHONHOME"] = null,
            ["PYTHONNOUSERSITE"] = "1",
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["http_proxy"] = null, ["https_proxy"] = null, ["grpc_proxy"] = null, ["HTTP_PROXY"] = null, ["HTTPS_PROXY"] = null,
        }, timeout: TimeSpan.FromMinutes(3));

    static string HostAndPort(RunningServer server) => new Uri(server.Address).Authority;

    [SkippableFact]
    public async Task The_python_contract_client_passes_every_check_against_a_real_server()
    {
        RequireDebianTools();
        string root = Checkout.RequireRoot();
        string generated = await stubs.GeneratedFrom(root);
        // The client calls one rpc at a time, so it never has more than one work item queued: with a queue of 4, any
        // item the scheduler fails to count out shows as RESOURCE_EXHAUSTED within the run.
        await using var server = await RunningServer.Kestrel(o => o.Limits.MaxQueuedWork = 4);

        var run = await RunPython(generated, Path.Combine(root, "tests", "FlowLive.Tests", "Server", "Python", "contract_client.py"), HostAndPort(server));

        Assert.True(run.ExitCode == 0, $"contract_client.py exited with {run.ExitCode}:\n{run.Printed}");
        Assert.Matches(@"(?m)^[1-9][0-9]* checks, 0 failed$", run.Output);
        Assert.DoesNotContain("FAIL", run.Output);
    }

    [SkippableFact]
    public async Task The_readmes_python_client_lists_the_models_and_prints_samples()
    {
        RequireDebianTools();
        string root = Checkout.RequireRoot();
        string generated = await stubs.GeneratedFrom(root);
        await using var server = await RunningServer.Kestrel();

        var run = await RunPython(generated, Path.Combine(root, "clients", "python", "flowlive_client.py"), HostAndPort(server), "--count", "3", "--seed", "5");

        Assert.True(run.ExitCode == 0, $"flowlive_client.py exited with {run.ExitCode}:\n{run.Printed}");
        Assert.Contains("realnvp-mnist", run.Output);
        Assert.Contains("3 samples of two_moons-realnvp (seed 5)", run.Output);
        // The points it printed are the server's, decoded right (little-endian float32, row-major).
        var printed = Regex.Matches(run.Output, @"x = \(([-+0-9.]+), ([-+0-9.]+)\)")
            .SelectMany(m => new[] { float.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), float.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) })
            .ToList();
        var call = server.Models.Sample(new SampleRequest { Model = "two_moons-realnvp", Count = 3, Seed = 5 });
        var expected = new List<float>();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync()) expected.AddRange(WireTensors.Values(chunk.Points));
        Assert.Equal(6, printed.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], printed[i], 5e-5f);
    }
}

/// <summary>
/// The Python stubs clients/python/generate-stubs.sh makes, generated once for all of <see cref="PythonClientTests"/>
/// (by the first test that needs them, after it has checked the tools are there) and removed with the class.
/// </summary>
public sealed class PythonStubs : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("flowlive-python-stubs-").FullName;
    private readonly object gate = new();
    private Task? generation;

    /// <summary>The stubs' folder, generating them first unless an earlier test did (a failed generation fails each test).</summary>
    public async Task<string> GeneratedFrom(string root)
    {
        lock (gate) generation ??= Generate(root);
        await generation;
        return folder;
    }

    private async Task Generate(string root)
    {
        var generated = await ExternalProcess.RunAsync("bash", [Path.Combine(root, "clients", "python", "generate-stubs.sh"), folder]);
        Assert.True(generated.ExitCode == 0, $"generate-stubs.sh failed:\n{generated.Printed}");
        Assert.True(File.Exists(Path.Combine(folder, "flowlive", "v1", "models_pb2_grpc.py")), $"no models_pb2_grpc.py in {folder}");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
