using System.Text.Json;
using FlowLive.Devices;
using FlowLive.Cli.Bench;
using FlowLive.Cli.Bench.Compute;
using FlowLive.Data;
using FlowLive.Flows.Architectures;

namespace FlowLive.Tests.Cli;

/// <summary>
/// `flowlive bench` runs every workload of the performance issue; here each runs once at a tiny size so the command
/// cannot rot (no timing is asserted: figures belong to the bench, not to tests). The PyTorch comparison runs where
/// Debian's python3-torch is installed and reports skipped elsewhere.
/// </summary>
public sealed class BenchWorkloadTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("flowlive-bench-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    static readonly string[] Tiny = ["bench", "--size", "tiny", "--calls", "1", "--rounds", "1", "--threads", "1"];

    [Fact]
    public void Every_workload_runs_at_a_tiny_size_frees_its_tensors_and_writes_the_json()
    {
        string json = Path.Combine(directory, "bench.json");
        var run = CliRunner.Run([.. Tiny, "--json", json]);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);

        var rows = run.Output.Split('\n');
        foreach (var workload in ComputeWorkloads.All)
        {
            var row = Assert.Single(rows, r => r.StartsWith(workload.Name + " "));
            var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("-", cells[3]); // no PyTorch time without --compare (cells: name, threads, FlowLive, PyTorch, ...)
            Assert.Equal("0", cells[^2]); // live tensors left after the workload was freed
        }

        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var root = document.RootElement;
        Assert.Equal(Environment.ProcessorCount, root.GetProperty("machine").GetProperty("logical_cores").GetInt32());
        double low = root.GetProperty("machine").GetProperty("sgemm_gflops_low").GetDouble();
        double high = root.GetProperty("machine").GetProperty("sgemm_gflops_high").GetDouble();
        Assert.True(low > 0 && high >= low, $"sgemm range {low}-{high}");
        var entries = root.GetProperty("workloads").EnumerateArray().ToList();
        Assert.Equal(ComputeWorkloads.All.Select(w => w.Name), entries.Select(e => e.GetProperty("name").GetString()));
        foreach (var e in entries)
        {
            Assert.Equal(1, e.GetProperty("threads").GetInt32());
            Assert.True(e.GetProperty("flowlive_ms").GetDouble() > 0);
            Assert.Equal(JsonValueKind.Null, e.GetProperty("pytorch_ms").ValueKind);
            Assert.Equal(JsonValueKind.Null, e.GetProperty("ratio").ValueKind);
            // Each floor is the workload's FLOPs at the sgemm rate timed beside it, within the run's range.
            double sgemm = e.GetProperty("sgemm_gflops").GetDouble();
            Assert.InRange(sgemm, low, high);
            double floor = e.GetProperty("gflop").GetDouble() / sgemm * 1000;
            Assert.Equal(floor, e.GetProperty("floor_ms").GetDouble(), tolerance: 1e-9 * floor);
            Assert.True(e.GetProperty("peak_rss_mb").GetDouble() > 0);
        }
    }

    [SkippableFact]
    public void Compare_pytorch_times_the_same_models_in_pytorch_in_the_same_run()
    {
        try { PyTorchPeer.Start().Dispose(); }
        catch (MissingPrerequisiteException e) { Skip.If(true, $"--compare pytorch needs Debian's python3-torch here: {e.Message}"); }

        string json = Path.Combine(directory, "bench.json");
        var run = CliRunner.Run([.. Tiny, "--compare", "pytorch", "--json", json]);
        // Exit 1 and a warning when a PyTorch model's weight count differs from FlowLive's: not the same model.
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.DoesNotContain("not the same model", run.Output);

        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var pytorch = document.RootElement.GetProperty("machine").GetProperty("pytorch");
        Assert.NotEmpty(pytorch.GetProperty("blas").EnumerateArray());
        // Both sides run on the same heap allocator (the script inherits the preload), and the file says which.
        Assert.Equal(HeapAllocator.Current(), document.RootElement.GetProperty("machine").GetProperty("allocator").GetString());
        Assert.Equal(HeapAllocator.Current(), pytorch.GetProperty("allocator").GetString());
        // And which MKL kernels FlowLive's side ran on (this process runs on the same preloads as the command).
        var mkl = document.RootElement.GetProperty("machine").GetProperty("mkl_kernels");
        Assert.Equal(MklKernels.Current(), mkl.ValueKind == JsonValueKind.Null ? null : mkl.GetString());
        foreach (var e in document.RootElement.GetProperty("workloads").EnumerateArray())
        {
            Assert.True(e.GetProperty("pytorch_ms").GetDouble() > 0);
            Assert.Equal(e.GetProperty("flowlive_ms").GetDouble() / e.GetProperty("pytorch_ms").GetDouble(), e.GetProperty("ratio").GetDouble(), 9);
        }
    }

    [Fact]
    public void The_workloads_are_the_seed_models_at_their_published_sizes()
    {
        var weights = ComputeWorkloads.All.Where(w => w.Name != ComputeWorkloads.Calibration).ToDictionary(w => w.Name, w =>
        {
            using var prepared = w.Prepare(WorkloadSize.Tiny);
            return prepared.Parameters;
        });
        Assert.Equal(1352, weights["train-radboud-4x16-b128"]);
        Assert.Equal(1_073_184, weights["train-keras-8x256-b4096"]);
        Assert.Equal(5_568_640, weights["train-rosenbaum-784-b128"]);
        Assert.Equal(weights["train-keras-8x256-b128"], weights["trace-keras-8x256-100k"]);
    }

    [Fact]
    public void Flop_counts_are_two_per_multiply_add_of_every_linear_layer()
    {
        using var flow = SeedArchitectures.RadboudMoons().Build();
        // Each coupling's MLP is 1 -> 16 -> 16 -> 2: 16 + 256 + 32 multiply-adds per row, four couplings.
        Assert.Equal(2.0 * (16 + 256 + 32) * 4, FlopCount.LinearPerRow(flow.Module));
        using var prepared = ComputeWorkloads.Find("train-radboud-4x16-b128")!.Prepare(WorkloadSize.Full);
        Assert.Equal(3 * 2.0 * (16 + 256 + 32) * 4 * 128, prepared.Flops);
    }

    [Fact]
    public void Medians_of_odd_and_even_counts_and_nearest_rank_percentiles()
    {
        Assert.Equal(2, Percentiles.Median([3, 1, 2]));
        Assert.Equal(2.5, Percentiles.Median([4, 1, 3, 2]));
        Assert.True(double.IsNaN(Percentiles.Median([])));
        Assert.Equal(3, Percentiles.NearestRank([1, 2, 3, 4], 0.5));
        Assert.Equal(4, Percentiles.NearestRank([1, 2, 3, 4], 0.99));
        Assert.True(double.IsNaN(Percentiles.NearestRank([], 0.5)));
    }

    [Theory]
    [InlineData("--batch-size", "64")]
    [InlineData("--points", "5000")]
    [InlineData("--device", "cpu")]
    public void Flags_of_other_benches_are_refused_with_the_workloads(string flag, string value)
    {
        var run = CliRunner.Run("bench", "--size", "tiny", flag, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(flag, run.Error);
    }

    [Theory]
    [InlineData("--server", "--threads", "4")]
    [InlineData("--server", "--flow", "nice")]
    [InlineData("--viewer", "--requests", "5")]
    [InlineData("--architectures", "--points", "5000")]
    [InlineData("--server", "--json", "x.json")]
    public void Each_bench_refuses_the_flags_it_does_not_read(string mode, string flag, string value)
    {
        var run = CliRunner.Run("bench", mode, flag, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(flag, run.Error);
    }

    [Fact]
    public void Bad_workload_values_name_their_flag()
    {
        var unknown = CliRunner.Run("bench", "--workload", "train-everything");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("train-everything", unknown.Error);

        var proc = CliRunner.Run("bench", "--size", "tiny", "--json", "/proc/bench.json");
        Assert.Equal(2, proc.ExitCode);
        Assert.Contains("--json", proc.Error);

        var calls = CliRunner.Run("bench", "--calls", "0");
        Assert.Equal(2, calls.ExitCode);
        Assert.Contains("--calls", calls.Error);
    }
}
