using System.Diagnostics;

namespace FlowLive.Tests.Viewer.Platform;

/// <summary>
/// A private Xvfb (virtual X server) for window tests, started as this test's child and killed by <see cref="Dispose"/>.
/// <c>-displayfd</c> makes Xvfb pick a free display number itself and print it once it accepts connections, so two
/// test runs never race for the same display and no fixed sleep is needed.
/// </summary>
internal sealed class XvfbServer : IDisposable
{
    private readonly Process process;
    private readonly List<string> log = [];

    private XvfbServer(string executable)
    {
        var start = new ProcessStartInfo(executable, "-displayfd 1 -screen 0 1024x768x24 -nolisten tcp")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
        process.BeginErrorReadLine();
        var number = process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        if (!int.TryParse(number, out _))
        {
            Dispose();
            throw new InvalidOperationException($"Xvfb did not report a display: '{number}'; its log:\n{Log}");
        }
        Display = ":" + number;
    }

    /// <summary>The DISPLAY value of this server, e.g. ":3".</summary>
    public string Display { get; }

    public string Log
    {
        get { lock (log) return string.Join('\n', log); }
    }

    /// <summary>Xvfb's path on PATH, or null (the test then skips).</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "Xvfb")).FirstOrDefault(File.Exists);

    public static XvfbServer Start()
    {
        var executable = Find();
        Skip.If(executable is null, "Xvfb is not on PATH (Debian: xvfb)");
        return new XvfbServer(executable!);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(10_000);
        }
        process.Dispose();
    }
}
