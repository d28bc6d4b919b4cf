using System.Diagnostics;
using System.Runtime.Versioning;

namespace FlowLive.Tests.Build;

/// <summary>
/// The `flowlive` script's test entry: its own help, refusals of unknown options, running without root when Debian
/// packages are missing, and a Tests line that counts skipped tests as skipped. Runs the real script (sourcing it
/// defines its functions without running anything), never a nested test run.
/// </summary>
public sealed class ScriptTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("flowlive-script-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    internal static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "flowlive");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "FlowLive.sln"))) return candidate;
        }
        throw new SkipException("the flowlive script is not above the test binaries (not run from a checkout)");
    }

    internal static (int Code, string Output, string Error) Bash(string command, string? path = null)
    {
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (path is not null) start.Environment["PATH"] = path;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), $"'{command}' did not finish in a minute");
        return (process.ExitCode, output.Result, error.Result);
    }

    static void RequireBash()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) throw new SkipException("needs bash");
    }

    [SkippableFact]
    public void Test_help_is_the_scripts_own_and_prints_no_tests_line()
    {
        RequireBash();
        foreach (string flag in new[] { "--help", "-h" })
        {
            var (code, output, error) = Bash($"'{Script()}' test {flag}");
            Assert.True(code == 0, error);
            Assert.StartsWith("usage: ./flowlive test", output);
            Assert.Contains("--filter", output);
            Assert.DoesNotMatch("(?m)^Tests:", output + error); // the help quotes the line indented; a run prints it at the start
            Assert.DoesNotContain("dotnet test [", output); // not dotnet's own help
        }
    }

    [SkippableFact]
    public void Unknown_test_options_exit_2_with_a_message()
    {
        RequireBash();
        var (code, output, error) = Bash($"'{Script()}' test --bogus");
        Assert.Equal(2, code);
        Assert.Contains("unknown option '--bogus'", error);
        Assert.DoesNotMatch("(?m)^Tests:", output);
    }

    [SkippableFact]
    public void Without_root_missing_packages_do_not_stop_the_tests_but_stop_data()
    {
        if (!OperatingSystem.IsLinux()) throw new SkipException("needs bash and Linux file modes");
        // A user who is not root, on a machine where dpkg knows no package and npm is absent.
        File.WriteAllText(Path.Combine(directory, "id"), "#!/bin/sh\necho 1000\n");
        File.WriteAllText(Path.Combine(directory, "dpkg"), "#!/bin/sh\nexit 1\n");
        foreach (string tool in new[] { "id", "dpkg" })
            File.SetUnixFileMode(Path.Combine(directory, tool), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string path = $"{directory}:/usr/bin:/bin";
        string script = Script();

        var optional = Bash($"source '{script}'; needed_packages() {{ echo dataset-fashion-mnist; }}; ensure_packages optional; echo \"went on: $?\"", path);
        Assert.Contains("went on: 0", optional.Output);
        Assert.Contains("sudo apt-get install -y dataset-fashion-mnist", optional.Error);
        Assert.Contains("report skipped", optional.Error);

        var required = Bash($"source '{script}'; needed_packages() {{ echo dataset-fashion-mnist; }}; ensure_packages; echo \"went on: $?\"", path);
        Assert.Equal(1, required.Code);
        Assert.DoesNotContain("went on", required.Output);
    }

    [SupportedOSPlatform("linux")]
    void Executable(string relative, string text)
    {
        string path = Path.Combine(directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [SkippableFact]
    public void Each_command_asks_only_for_the_packages_it_uses()
    {
        if (!OperatingSystem.IsLinux()) throw new SkipException("needs bash and Linux file modes");
        string script = Script();
        // dpkg that knows no package: needed_packages then lists everything the purposes ask for.
        string Needed(string purposes) => Bash($"source '{script}'; dpkg() {{ return 1; }}; needed_packages {purposes}").Output;

        var common = Needed("");
        Assert.Contains("dataset-fashion-mnist", common);
        Assert.DoesNotContain("libglfw3", common); // `data`, `train`: no window, no GL
        Assert.DoesNotContain("python3-torch", common);
        Assert.Contains("libegl-mesa0", Needed("viewer"));
        Assert.DoesNotContain("python3-torch", Needed("viewer"));
        Assert.Contains("libopenblas0-openmp", Needed("pytorch"));
        var test = Needed("test");
        foreach (var package in new[] { "libglfw3", "xvfb", "python3-grpcio", "grpc-proto", "python3-torch", "libopenblas0-openmp" })
            Assert.Contains(package, test);

        // bench asks for PyTorch only with --compare and for GL only with --viewer (main ends in `exec dotnet`: a stub here).
        Executable("tools/dotnet", "#!/bin/sh\nexit 0\n");
        string Asked(string arguments) => Bash($"source '{script}'; ensure_packages() {{ echo \"asked: $*\"; }}; ensure_built() {{ :; }}; " +
                                               $"PATH='{directory}/tools':\"$PATH\"; main bench {arguments}").Output;
        Assert.Contains("asked: optional pytorch", Asked("--compare pytorch"));
        Assert.Contains("asked: optional viewer", Asked("--viewer"));
        Assert.Contains("asked: optional", Asked("--server"));
        Assert.DoesNotContain("pytorch", Asked("--server"));
    }

    [SkippableFact]
    public void Buf_that_cannot_be_installed_does_not_stop_the_tests()
    {
        if (!OperatingSystem.IsLinux()) throw new SkipException("needs bash and Linux file modes");
        string script = Script();
        // An npm that fails as it does without a registry, and a state folder without buf.
        Executable("tools/npm", "#!/bin/sh\necho 'npm error network request failed' >&2\nexit 1\n");
        string state = Path.Combine(directory, "state");

        var failing = Bash($"source '{script}'; STATE='{state}'; PATH='{directory}/tools':\"$PATH\"; ensure_buf; echo \"went on: $?\"");
        Assert.Contains("went on: 0", failing.Output);
        Assert.Contains($"could not install @bufbuild/buf@{Protos.Buf.Version}", failing.Error);
        Assert.Contains("report skipped", failing.Error);

        var withoutNpm = Bash($"source '{script}'; STATE='{state}'; PATH='{directory}/empty'; ensure_buf; echo \"went on: $?\"");
        Assert.Contains("went on: 0", withoutNpm.Output);
        Assert.Contains("npm is missing", withoutNpm.Error);
    }

    [SkippableFact]
    public void Buf_of_the_pinned_version_is_not_installed_again()
    {
        if (!OperatingSystem.IsLinux()) throw new SkipException("needs bash and Linux file modes");
        string script = Script();
        Executable("tools/npm", "#!/bin/sh\necho 'npm was called' >&2\nexit 1\n");
        Executable("state/npm/node_modules/@bufbuild/buf-linux-x64/bin/buf", $"#!/bin/sh\necho {Protos.Buf.Version}\n");

        var installed = Bash($"source '{script}'; STATE='{directory}/state'; PATH='{directory}/tools':\"$PATH\"; ensure_buf; echo \"went on: $?\"");
        Assert.Contains("went on: 0", installed.Output);
        Assert.True(installed.Error == "", installed.Error);

        Executable("state/npm/node_modules/@bufbuild/buf-linux-x64/bin/buf", "#!/bin/sh\necho 1.70.0\n");
        var older = Bash($"source '{script}'; STATE='{directory}/state'; PATH='{directory}/tools':\"$PATH\"; ensure_buf; echo \"went on: $?\"");
        Assert.Contains("npm was called", older.Error);
        Assert.Contains("went on: 0", older.Output);
    }

    [SkippableTheory]
    [InlineData(10, 7, 1, 2, 0, "Tests: 7 passed, 1 failed, 2 skipped")]
    [InlineData(10, 7, 0, 1, 1, "Tests: 7 passed, 2 failed, 1 skipped")]   // the tenth neither passed nor was skipped: an error
    [InlineData(3, 3, 0, 0, 1, "Tests: 3 passed, 1 failed, 0 skipped")]    // a failing run never says 0 failed
    public void The_tests_line_counts_not_executed_results_as_skipped(int total, int passed, int failed, int skipped, int status, string expected)
    {
        RequireBash();
        // As xunit's adapter writes it: the Counters say executed = passed + failed and notExecuted = 0; the skipped
        // tests show only as results whose outcome is NotExecuted.
        string Result(int i, string outcome) => $"<UnitTestResult executionId=\"{i}\" testName=\"T{i}\" outcome=\"{outcome}\" testListId=\"x\">";
        var results = Enumerable.Range(0, passed).Select(i => Result(i, "Passed"))
            .Concat(Enumerable.Range(0, failed).Select(i => Result(100 + i, "Failed")))
            .Concat(Enumerable.Range(0, skipped).Select(i => Result(200 + i, "NotExecuted")));
        string trx = Path.Combine(directory, "tests.trx");
        File.WriteAllText(trx, $"<TestRun><Results>\n{string.Join("\n", results)}\n</Results><ResultSummary outcome=\"Completed\">" +
                               $"<Counters total=\"{total}\" executed=\"{passed + failed}\" passed=\"{passed}\" failed=\"{failed}\" error=\"0\" " +
                               "timeout=\"0\" aborted=\"0\" inconclusive=\"0\" passedButRunAborted=\"0\" notRunnable=\"0\" notExecuted=\"0\" " +
                               "disconnected=\"0\" warning=\"0\" completed=\"0\" inProgress=\"0\" pending=\"0\" /></ResultSummary></TestRun>");
        var (_, output, error) = Bash($"source '{Script()}'; tests_line '{trx}' {status}");
        Assert.True(output.Trim() == expected, $"{output}{error}");
    }
}
