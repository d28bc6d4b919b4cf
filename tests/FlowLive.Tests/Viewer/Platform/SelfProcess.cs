using FlowLive.Tests.Support;

namespace FlowLive.Tests.Viewer.Platform;

/// <summary>
/// Runs a check in a fresh process of this test assembly (<c>dotnet FlowLive.Tests.dll CHECK</c>, see
/// <see cref="TestAssemblyEntry"/>). Window checks need it: GLFW reads DISPLAY from the native environment when it
/// starts and keeps process-wide state until it terminates, and neither may leak into the test host.
/// </summary>
internal static class SelfProcess
{
    /// <param name="environment">Variables to set; a null value removes the variable.</param>
    public static Task<ExternalProcess.Outcome> RunAsync(string check, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        string host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        return ExternalProcess.RunAsync(host, ["exec", typeof(SelfProcess).Assembly.Location, check], environment: environment, timeout: timeout);
    }

    /// <summary>The outcome for an assertion message: exit code and everything the check printed.</summary>
    public static string Describe(ExternalProcess.Outcome outcome) => $"exit code {outcome.ExitCode}\n{outcome.Printed}";
}
