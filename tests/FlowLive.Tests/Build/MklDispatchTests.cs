using FlowLive.Devices;
using FlowLive.Tests.Viewer.Platform;

namespace FlowLive.Tests.Build;

/// <summary>
/// MKL's vendor check, which the `flowlive` script answers on x86-64 CPUs that are not Intel's
/// (build/mkl_feature_dispatch.c) so that libtorch's matrix products run the CPU's own AVX2/AVX-512 kernels instead of
/// MKL's generic ones: how the script chooses, and that MKL then says it chose by the CPU's features.
/// </summary>
public sealed class MklDispatchTests
{
    static void RequireLinux()
    {
        if (!OperatingSystem.IsLinux()) throw new SkipException("LD_PRELOAD and /proc/cpuinfo: Linux only");
    }

    static void RequireGcc() =>
        Skip.If(ScriptTests.Bash("command -v gcc").Code != 0, "gcc is not installed: the script cannot build the library here (it says so, tested below)");

    /// <summary>Runs <paramref name="test"/> with a fresh folder for the script's STATE, removed afterwards.</summary>
    static void InFreshState(Action<string> test)
    {
        string state = Directory.CreateTempSubdirectory("flowlive-mkl-").FullName;
        try { test(state); }
        finally { Directory.Delete(state, recursive: true); }
    }

    /// <summary>The script's mkl_dispatch_preload with the CPU's vendor and the environment given, building into a fresh state folder.</summary>
    static (int Code, string Output, string Error) Preload(string state, string vendor, string setting = "", string before = "") =>
        ScriptTests.Bash($"unset LD_PRELOAD FLOWLIVE_MKL_DISPATCH; {setting} source '{ScriptTests.Script()}'; STATE='{state}'; " +
                         $"cpu_vendor() {{ echo {vendor}; }}; uname() {{ echo x86_64; }}; {before} mkl_dispatch_preload");

    [SkippableFact]
    public void The_script_builds_and_preloads_the_answer_only_where_MKL_would_run_its_generic_kernels()
    {
        RequireLinux();
        RequireGcc();
        InFreshState(state =>
        {
            var amd = Preload(state, "AuthenticAMD");
            Assert.Equal(0, amd.Code);
            string library = Path.Combine(state, "native", MklKernels.DispatchLibrary);
            Assert.Equal(library, amd.Output.Trim());
            Assert.True(File.Exists(library), $"{library} was not built: {amd.Error}");
            Assert.Equal([library], Directory.GetFiles(Path.Combine(state, "native"))); // no half-built file left beside it

            var intel = Preload(state, "GenuineIntel");
            Assert.Equal((0, ""), (intel.Code, intel.Output.Trim())); // MKL already chooses by features on Intel's CPUs

            var vendor = Preload(state, "AuthenticAMD", "export FLOWLIVE_MKL_DISPATCH=vendor;");
            Assert.Equal((0, ""), (vendor.Code, vendor.Output.Trim()));

            var bogus = Preload(state, "AuthenticAMD", "export FLOWLIVE_MKL_DISPATCH=avx512;");
            Assert.Equal(2, bogus.Code);
            Assert.Contains("FLOWLIVE_MKL_DISPATCH is 'avx512'; it must be features (the default) or vendor", bogus.Error);

            // Without gcc and without a built library it says what is lost and how to get it, and runs on.
            File.Delete(library);
            var noCompiler = Preload(state, "AuthenticAMD", before: "command() { return 1; };");
            Assert.Equal((0, ""), (noCompiler.Code, noCompiler.Output.Trim()));
            Assert.Contains("gcc is missing, so libtorch's matrix products run MKL's generic kernels on this AuthenticAMD CPU", noCompiler.Error);
            Assert.Contains("sudo apt-get install -y gcc", noCompiler.Error);
        });
    }

    [SkippableFact]
    public void The_script_puts_the_allocator_and_the_answer_in_front_of_the_users_own_preloads()
    {
        RequireLinux();
        RequireGcc();
        InFreshState(state =>
        {
            var both = ScriptTests.Bash($"unset FLOWLIVE_MKL_DISPATCH FLOWLIVE_ALLOCATOR; export LD_PRELOAD=/usr/lib/mine.so; source '{ScriptTests.Script()}'; " +
                                        $"STATE='{state}'; cpu_vendor() {{ echo AuthenticAMD; }}; dpkg() {{ return 0; }}; use_preloads; printf '%s' \"$LD_PRELOAD\"");
            Assert.Equal(0, both.Code);
            Assert.Equal($"libtcmalloc_minimal.so.4:{Path.Combine(state, "native", MklKernels.DispatchLibrary)}:/usr/lib/mine.so", both.Output);
        });
    }

    [SkippableFact]
    public async Task MKL_chooses_its_kernels_by_the_CPUs_features_once_the_script_answers_its_vendor_check()
    {
        RequireLinux();
        var chosen = ScriptTests.Bash($"unset FLOWLIVE_MKL_DISPATCH; source '{ScriptTests.Script()}'; mkl_dispatch_preload");
        Skip.If(chosen.Output.Trim() == "", $"the script preloads nothing for MKL here (an Intel CPU, not x86-64, or no gcc): {chosen.Error.Trim()}");

        async Task<string> Run(string? preload)
        {
            var outcome = await SelfProcess.RunAsync(MklChecks.OneProduct,
                new Dictionary<string, string?> { ["LD_PRELOAD"] = preload, ["MKL_VERBOSE"] = "1" }, TimeSpan.FromMinutes(2));
            Assert.True(outcome.ExitCode == 0, SelfProcess.Describe(outcome));
            return outcome.Output;
        }

        // MKL_VERBOSE's first line names the code path: "Intel(R) Architecture processors" is the generic one, and a
        // CPU with AVX2 gets "Intel(R) Advanced Vector Extensions 2 ..." or "... 512 ..." once MKL chooses by features.
        string unanswered = await Run(null);
        Assert.Contains("Intel(R) Architecture processors", unanswered);
        Assert.Contains($"mkl kernels {MklKernels.Generic}", unanswered);

        string answered = await Run(chosen.Output.Trim());
        Assert.DoesNotContain("Intel(R) Architecture processors", answered);
        Assert.Contains($"mkl kernels {MklKernels.ByFeatures}", answered);
        bool avx2 = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags")).Split(' ').Contains("avx2");
        if (avx2) Assert.Contains("Intel(R) Advanced Vector Extensions", answered);
    }
}
