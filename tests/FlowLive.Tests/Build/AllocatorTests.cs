using System.Text.RegularExpressions;
using FlowLive.Tests.Viewer.Platform;

namespace FlowLive.Tests.Build;

/// <summary>
/// The heap allocator the `flowlive` script puts under FlowLive's processes (tcmalloc, because Debian 12's glibc lets
/// libtorch's aligned allocations fragment its heap): how the script chooses it, and that it holds a repeated
/// workload's resident memory flat.
/// </summary>
public sealed class AllocatorTests
{
    static void RequireLinux()
    {
        if (!OperatingSystem.IsLinux()) throw new SkipException("LD_PRELOAD and dpkg: Linux only");
    }

    [SkippableFact]
    public void The_script_preloads_tcmalloc_unless_told_glibc_and_refuses_any_other_value()
    {
        RequireLinux();
        string script = ScriptTests.Script();
        // The test host may run preloaded itself: each case starts from no LD_PRELOAD and no FLOWLIVE_ALLOCATOR.
        (int Code, string Output, string Error) Preload(string setting, bool installed) =>
            ScriptTests.Bash($"unset LD_PRELOAD FLOWLIVE_ALLOCATOR; export FLOWLIVE_MKL_DISPATCH=vendor; source '{script}'; dpkg() {{ return {(installed ? 0 : 1)}; }}; {setting} " +
                             "use_preloads; printf '%s' \"${LD_PRELOAD:-}\"");

        var preloaded = Preload("export LD_PRELOAD=/usr/lib/mine.so;", installed: true);
        Assert.Equal(0, preloaded.Code);
        Assert.Equal("libtcmalloc_minimal.so.4:/usr/lib/mine.so", preloaded.Output); // in front of the user's own

        var glibc = Preload("export FLOWLIVE_ALLOCATOR=glibc;", installed: true);
        Assert.Equal((0, ""), (glibc.Code, glibc.Output));

        var missing = Preload("", installed: false);
        Assert.Equal((0, ""), (missing.Code, missing.Output));
        Assert.Contains("sudo apt-get install -y libtcmalloc-minimal4", missing.Error);

        var bogus = Preload("export FLOWLIVE_ALLOCATOR=jemalloc;", installed: true);
        Assert.Equal(2, bogus.Code);
        Assert.Contains("FLOWLIVE_ALLOCATOR is 'jemalloc'; it must be tcmalloc (the default) or glibc", bogus.Error);
        Assert.Equal("", bogus.Output);
    }

    [SkippableFact]
    public async Task A_repeated_density_grid_stays_flat_on_the_scripts_allocator()
    {
        RequireLinux();
        var chosen = ScriptTests.Bash($"unset FLOWLIVE_ALLOCATOR; source '{ScriptTests.Script()}'; allocator_preload");
        Skip.If(chosen.Output.Trim() == "", $"the script chose no allocator here: {chosen.Error.Trim()}");

        var outcome = await SelfProcess.RunAsync(HeapChecks.RepeatedGrid, new Dictionary<string, string?> { ["LD_PRELOAD"] = chosen.Output.Trim() },
                                                 TimeSpan.FromMinutes(3));
        Assert.True(outcome.ExitCode == 0, SelfProcess.Describe(outcome));
        var figures = Regex.Match(outcome.Output, @"allocator (\w+), resident growth (-?\d+) MB over (\d+) calls");
        Assert.True(figures.Success, SelfProcess.Describe(outcome));
        Assert.Equal("tcmalloc", figures.Groups[1].Value);
        Assert.Equal(HeapChecks.Calls, int.Parse(figures.Groups[3].Value));
        // Measured: 3,051 MB on glibc's heap (free memory it could not reuse), 46 on tcmalloc (settling, as over 30,000 calls).
        double growth = double.Parse(figures.Groups[2].Value);
        Assert.True(growth < 100, $"resident memory grew {growth} MB over {HeapChecks.Calls} calls: {outcome.Output}");
    }
}
