using System.Diagnostics;

namespace FlowLive.Tests.Support;

/// <summary>Runs a program to its end with a deadline, capturing what it prints (for tools such as buf, protoc, python3).</summary>
public static class ExternalProcess
{
    public sealed record Outcome(int ExitCode, string Output, string Error)
    {
        /// <summary>Everything it printed, for assertion messages.</summary>
        public string Printed => string.Join("\n", new[] { Output.TrimEnd(), Error.TrimEnd() }.Where(s => s.Length > 0));
    }

    /// <param name="environment">Variables to set, or to remove (null values).</param>
    public static async Task<Outcome> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null,
                                               IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        using (var deadline = new CancellationTokenSource(limit))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {limit.TotalSeconds:N0} s; " +
                                           $"it printed:\n{await output}{await error}");
            }
        }
        return new Outcome(process.ExitCode, await output, await error);
    }
}
