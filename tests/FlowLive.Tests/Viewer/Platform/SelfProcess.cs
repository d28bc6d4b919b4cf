using System.Diagnostics;

namespace FlowLive.Tests.Viewer.Platform;

/// <summary>
/// Runs a check in a fresh process of this test assembly (<c>dotnet FlowLive.Tests.dll CHECK</c>, see
/// <see cref="TestAssemblyEntry"/>). Window checks need it: GLFW reads DISPLAY from the native environment when it
/// starts and keeps process-wide state until it terminates, and neither may leak into the test host.
/// </summary>
internal static class SelfProcess
{
    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Errors}";
    }

    /// <param name="environment">Variables to set; a null value removes the variable.</param>
    public static Result Run(string check, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        string host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        start.ArgumentList.Add(check);
        foreach (var (name, value) in environment)
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a child test process");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new Result(-1, output.Result, errors.Result + $"\n(killed after {timeout.TotalSeconds} s)");
        }
        return new Result(process.ExitCode, output.Result, errors.Result);
    }
}
