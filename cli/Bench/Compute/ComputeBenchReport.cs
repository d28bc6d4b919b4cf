using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowLive.Cli.Bench.Compute;

/// <summary>The bench's table for the terminal and its JSON file (machine, configuration, one entry per workload).</summary>
public static class ComputeBenchReport
{
    public static void WriteHeader(TextWriter output) =>
        output.WriteLine($"{"workload",-26} {"thr",3} {"FlowLive ms",12} {"PyTorch ms",11} {"ratio",6} {"floor ms",10} {"x floor",8} {"peak MB",8} {"growth MB",10} {"live",5} {"calls",6}");

    public static void WriteRow(TextWriter output, WorkloadFigures w)
    {
        output.WriteLine($"{w.Name,-26} {w.Threads,3} {w.FlowLiveMilliseconds,12:F2} {Show(w.PyTorchMilliseconds, "F2"),11} {Show(w.Ratio, "F2"),6} " +
                         $"{w.FloorMilliseconds,10:F2} {w.TimesFloor,8:F1} {w.PeakRssMegabytes,8:N0} {w.RssGrowthMegabytes,10:F1} {w.LiveTensorsAfter,5} {w.Calls,6}");
        if (w.Mismatch is not null) output.WriteLine($"  warning: {w.Mismatch}");
    }

    public static void WriteFooter(TextWriter output, ComputeBenchResult result)
    {
        var (low, high) = result.SgemmRange;
        output.WriteLine($"sgemm (2048 x 2048 through libtorch): {(low == high ? $"{low:F1}" : $"{low:F1}-{high:F1}")} GFLOP/s; " +
                         $"floor = each workload's matrix-product FLOPs at the sgemm rate timed in its own rounds " +
                         $"({ComputeBenchmark.CalibrationCallsPerRound} calls a round)");
    }

    public static JsonObject ToJson(ComputeBenchResult result, ComputeBenchConfig config, MachineInfo machine, PyTorchPeer? peer)
    {
        var workloads = new JsonArray();
        foreach (var w in result.Workloads)
            workloads.Add(new JsonObject
            {
                ["name"] = w.Name,
                ["description"] = w.Description,
                ["threads"] = w.Threads,
                ["flowlive_ms"] = w.FlowLiveMilliseconds,
                ["pytorch_ms"] = w.PyTorchMilliseconds,
                ["ratio"] = w.Ratio,
                ["floor_ms"] = w.FloorMilliseconds,
                ["sgemm_gflops"] = w.SgemmGigaflops,
                ["flowlive_over_floor"] = w.TimesFloor,
                ["peak_rss_mb"] = w.PeakRssMegabytes,
                ["pytorch_peak_rss_mb"] = w.PyTorchPeakRssMegabytes,
                ["rss_growth_mb"] = w.RssGrowthMegabytes,
                ["live_tensors_after"] = w.LiveTensorsAfter,
                ["calls"] = w.Calls,
                ["parameters"] = w.Parameters,
                ["gflop"] = w.Flops / 1e9,
                ["mismatch"] = w.Mismatch,
            });
        return new JsonObject
        {
            ["machine"] = new JsonObject
            {
                ["cpu"] = machine.Cpu,
                ["logical_cores"] = machine.LogicalCores,
                ["memory_gb"] = Math.Round(machine.MemoryGigabytes, 1),
                ["os"] = machine.OperatingSystem,
                ["kernel"] = machine.Kernel,
                ["virtual_machine"] = machine.VirtualMachine,
                ["runtime"] = machine.Runtime,
                ["torchsharp"] = machine.TorchSharp,
                ["allocator"] = machine.Allocator,
                ["mkl_kernels"] = machine.MklKernels,
                ["sgemm_gflops_low"] = result.SgemmRange.Low,
                ["sgemm_gflops_high"] = result.SgemmRange.High,
                ["pytorch"] = peer is null ? null : new JsonObject
                {
                    ["torch"] = peer.TorchVersion,
                    ["python"] = peer.PythonVersion,
                    ["allocator"] = peer.Allocator,
                    ["blas"] = new JsonArray([.. peer.Blas.Select(b => (JsonNode)JsonValue.Create(b)!)]),
                },
            },
            ["configuration"] = new JsonObject
            {
                ["threads"] = config.Threads == 0 ? (JsonNode)"automatic (per workload)" : config.Threads,
                ["size"] = config.Size == WorkloadSize.Full ? "full" : "tiny",
                ["rounds"] = config.Rounds,
                ["seconds_per_workload"] = config.Budget.TotalSeconds,
                ["calls_per_round"] = config.Calls,
                ["warm_up_calls"] = ComputeBenchmark.WarmUpCalls,
                ["statistic"] = "median of every timed call after warm-up; FlowLive and PyTorch take turns each round",
            },
            ["workloads"] = workloads,
        };
    }

    public static void WriteJson(string path, JsonObject json)
    {
        var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        FlowLive.Models.AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(text));
    }

    static string Show(double? value, string format) => value is double v ? v.ToString(format) : "-";
}
