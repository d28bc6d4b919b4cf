using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using FlowLive.Devices;
using FlowLive.Data;

namespace FlowLive.Cli.Bench.Compute;

/// <summary>
/// The PyTorch side of `bench --compare pytorch`: one long-lived python3 running the repo's pytorch_workloads.py
/// (embedded in this assembly, written to a private folder and run isolated, so no stray module beside it can shadow
/// the standard library), asked for one workload's timed calls at a time so the two sides interleave.
/// Debian's torch is linked against the reference BLAS, about 30 times slower than OpenBLAS; the process is started
/// with LD_LIBRARY_PATH on libopenblas0-openmp's folder when that package is there, and reports what it loaded.
/// </summary>
public sealed class PyTorchPeer : IDisposable
{
    public sealed record Answer(IReadOnlyList<double> TimesMilliseconds, long Parameters, double Flops, double PeakRssMegabytes);

    readonly Process process;
    readonly string folder;

    public string TorchVersion { get; }
    public string PythonVersion { get; }
    public IReadOnlyList<string> Blas { get; }
    /// <summary>The malloc the script runs on (see <see cref="HeapAllocator"/>).</summary>
    public string Allocator { get; }
    public string Python { get; }

    /// <summary>The Debian package that holds the OpenBLAS the script should use.</summary>
    public const string OpenBlasPackage = "libopenblas0-openmp";

    const string InstallCommand = "sudo apt-get install -y python3-torch " + OpenBlasPackage;

    PyTorchPeer(Process process, string folder, string python, JsonElement hello)
    {
        this.process = process;
        this.folder = folder;
        Python = python;
        TorchVersion = hello.GetProperty("torch").GetString() ?? "?";
        PythonVersion = hello.GetProperty("python").GetString() ?? "?";
        Blas = hello.GetProperty("blas").EnumerateArray().Select(e => e.GetString() ?? "").ToList();
        Allocator = hello.GetProperty("allocator").GetString() ?? "?";
    }

    /// <summary>True when the process runs an optimised BLAS (OpenBLAS or MKL), not the reference one.</summary>
    public bool OptimisedBlas => Blas.Any(b => b.Contains("openblas", StringComparison.OrdinalIgnoreCase) || b.Contains("mkl", StringComparison.OrdinalIgnoreCase));

    public static PyTorchPeer Start()
    {
        string python = FindPython();
        string folder = Directory.CreateTempSubdirectory("flowlive-bench-").FullName;
        string script = Path.Combine(folder, "pytorch_workloads.py");
        using (var source = Assembly.GetExecutingAssembly().GetManifestResourceStream("pytorch_workloads.py")
                            ?? throw new InvalidOperationException("pytorch_workloads.py is not embedded in the flowlive assembly"))
        using (var target = File.Create(script))
            source.CopyTo(target);

        var start = new ProcessStartInfo(python, ["-I", script])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (OpenBlasFolder() is string openBlas)
            start.Environment["LD_LIBRARY_PATH"] = openBlas + (start.Environment.TryGetValue("LD_LIBRARY_PATH", out var old) && !string.IsNullOrEmpty(old) ? ":" + old : "");
        Process process;
        try { process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {python}"); }
        catch (System.ComponentModel.Win32Exception e)
        {
            Directory.Delete(folder, recursive: true);
            throw new MissingPrerequisiteException("python3 with Debian's python3-torch", InstallCommand, e.Message);
        }
        var error = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        string? hello = process.StandardOutput.ReadLine();
        if (hello is null)
        {
            process.WaitForExit();
            Directory.Delete(folder, recursive: true);
            string said;
            lock (error) said = error.ToString();
            if (said.Contains("No module named 'torch'"))
                throw new MissingPrerequisiteException($"Debian's python3-torch (for {python})", InstallCommand);
            throw new InvalidOperationException($"the PyTorch script ({python}) stopped before answering: {said.Trim().Split('\n').LastOrDefault()}");
        }
        return new PyTorchPeer(process, folder, python, JsonDocument.Parse(hello).RootElement.Clone());
    }

    /// <summary>Runs <paramref name="calls"/> timed calls of a workload on <paramref name="threads"/> threads (0 calls: only set it up and warm it up).</summary>
    public Answer Run(string workload, WorkloadSize size, int threads, int calls)
    {
        string request = JsonSerializer.Serialize(new { workload, size = size == WorkloadSize.Full ? "full" : "tiny", threads, calls });
        process.StandardInput.WriteLine(request);
        process.StandardInput.Flush();
        string line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"the PyTorch script stopped during {workload}");
        var answer = JsonDocument.Parse(line).RootElement;
        if (answer.TryGetProperty("error", out var error)) throw new InvalidOperationException($"PyTorch script: {error.GetString()}");
        return new Answer(answer.GetProperty("times_ms").EnumerateArray().Select(e => e.GetDouble()).ToList(),
            answer.GetProperty("parameters").GetInt64(), answer.GetProperty("flops").GetDouble(), answer.GetProperty("peak_rss_mb").GetDouble());
    }

    /// <summary>Debian's python3 first (where python3-torch installs); FLOWLIVE_PYTHON overrides.</summary>
    static string FindPython()
    {
        if (Environment.GetEnvironmentVariable("FLOWLIVE_PYTHON") is { Length: > 0 } chosen) return chosen;
        return File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    }

    /// <summary>libopenblas0-openmp's folder (/usr/lib/ARCH/openblas-openmp), or null when the package is not installed.</summary>
    public static string? OpenBlasFolder()
    {
        if (!Directory.Exists("/usr/lib")) return null;
        return Directory.EnumerateDirectories("/usr/lib", "openblas-openmp", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1, IgnoreInaccessible = true })
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "libblas.so.3")));
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.StandardInput.WriteLine("{\"quit\": true}");
                process.StandardInput.Flush();
                if (!process.WaitForExit(5000)) process.Kill();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException) { }
        process.Dispose();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}
