using System.CommandLine;
using FlowLive.Devices;
using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Flows.Nets;
using FlowLive.Cli;
using FlowLive.Training;
using FlowLive.Cli.Bench.Compute;

namespace FlowLive.Cli.Commands;

/// <summary>`flowlive bench`: how fast each architecture samples, evaluates and trains here, and whether memory stays put.</summary>
public static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var flows = new Option<string[]>("--flow")
        {
            Description = "architectures to measure (default: all)",
            AllowMultipleArgumentsPerToken = true,
        }.AcceptOnlyFromAmong([.. Catalog.Names]);
        var batch = CommonOptions.Positive("--batch-size", $"samples per call (at most {SpecLimits.MaxBatch:N0})", 1024);
        batch.Validators.Add(r =>
        {
            if (CommonOptions.Parsed<int>(r) is int n && n > SpecLimits.MaxBatch)
                r.AddError($"--batch-size: at most {SpecLimits.MaxBatch:N0} samples in one call, got {n:N0}");
        });
        var seconds = CommonOptions.PositiveReal("--seconds", "time spent on each measurement", 1.0);
        var threads = ThreadCount.Option();
        var device = CommonOptions.Device();
        var server = new Option<bool>("--server")
        {
            Description = "measure the gRPC server instead: Sample and Trace streams over loopback against in-process, LogProb latency, memory",
        };
        var points = new Option<long>("--points") { Description = "points streamed by the --server Sample and Trace figures", DefaultValueFactory = _ => 100_000 };
        var viewerBench = new Option<bool>("--viewer")
        {
            Description = "measure the viewer instead: flow-steps frames per second at 100,000 and 1,000,000 points on this machine's GL, frame times while a trace streams in, time to the first frame",
        };
        var mixed = new Option<int>("--requests") { Description = "mixed small requests before --server reads memory", DefaultValueFactory = _ => 10_000 };
        var architectures = new Option<bool>("--architectures")
        {
            Description = "measure each architecture's sampling, log-density and training rate instead of the workloads (--flow picks some)",
        };
        var workloads = new Option<string[]>("--workload")
        {
            Description = "workloads to measure (default: all); the sgemm calibration always runs",
            AllowMultipleArgumentsPerToken = true,
        }.AcceptOnlyFromAmong([.. ComputeWorkloads.All.Select(w => w.Name)]);
        var compare = new Option<string>("--compare") { Description = "run the same workloads in PyTorch (Debian's python3-torch) in the same run, interleaved" }
            .AcceptOnlyFromAmong("pytorch");
        var json = new Option<string>("--json") { Description = "also write the figures, the machine and the configuration to this JSON file" };
        var size = new Option<string>("--size") { Description = "full (the issue's sizes) or tiny (a few rows each: checks every workload runs)", DefaultValueFactory = _ => "full" }
            .AcceptOnlyFromAmong("full", "tiny");
        var calls = new Option<int?>("--calls") { Description = "timed calls per side and round (default: as many as --seconds allows; 10000 shows memory stays flat)" };
        calls.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is int n && n is < 1 or > 1_000_000) r.AddError($"--calls must be 1 to 1,000,000, got {n}");
        });
        var rounds = CommonOptions.Positive("--rounds", "turns each side takes per workload", 3);
        var command = new Command("bench", "measure the compute workloads (against PyTorch with --compare pytorch), each architecture, the server or the viewer")
        {
            flows, batch, seconds, threads, device, server, viewerBench, points, mixed, architectures, workloads, compare, json, size, calls, rounds,
        };
        // Each kind of bench and the flags it reads; any other flag given with it is a usage error, never ignored.
        var uses = new Dictionary<string, Option[]>
        {
            ["workloads"] = [workloads, compare, json, size, calls, rounds, seconds, threads],
            ["--architectures"] = [architectures, flows, batch, seconds, threads, device],
            ["--server"] = [server, points, mixed, seconds],
            ["--viewer"] = [viewerBench, points, seconds],
        };
        command.SetAction(parsed =>
        {
            string mode = parsed.GetValue(viewerBench) ? "--viewer" : parsed.GetValue(server) ? "--server"
                : parsed.GetValue(architectures) || parsed.GetValue(flows) is { Length: > 0 } ? "--architectures" : "workloads";
            Refuse(parsed, mode, uses[mode], command.Options);
            var budget = TimeSpan.FromSeconds(parsed.GetValue(seconds));
            return mode switch
            {
                "--viewer" => ViewerBench(output, parsed.GetResult(points) is not { Implicit: false } ? [100_000, 1_000_000] : [(int)parsed.GetValue(points)],
                    TimeSpan.FromSeconds(Math.Max(1, budget.TotalSeconds * 3))),
                "--server" => ServerBench(output, parsed.GetValue(points), parsed.GetValue(mixed), budget),
                "--architectures" => ArchitectureBench(output, parsed.GetValue(flows), parsed.GetValue(batch), parsed.GetValue(threads),
                    CommonOptions.ResolveDevice(parsed.GetValue(device)!), budget),
                _ => WorkloadBench(output, parsed.GetValue(workloads), parsed.GetValue(compare) is not null, parsed.GetValue(json),
                    parsed.GetValue(size) == "tiny" ? WorkloadSize.Tiny : WorkloadSize.Full, parsed.GetValue(threads),
                    budget, parsed.GetValue(calls), parsed.GetValue(rounds)),
            };
        });
        return command;
    }

    static int ArchitectureBench(TextWriter output, string[]? names, int batch, int requested, TorchSharp.torch.Device on, TimeSpan budget)
    {
        IReadOnlyList<Architecture> chosen = names is { Length: > 0 } ? names.Select(Catalog.Get).ToList() : Catalog.All;
        string threading = requested > 0 ? ThreadCount.Describe(requested) : "threads automatic (by the size of each model's matrix products)";
        output.WriteLine($"flowlive bench: batch {batch}, {threading}, {on.type.ToString().ToLowerInvariant()}, " +
                         $"{budget.TotalSeconds:G3} s per figure; default architecture sizes (8 steps, 64 hidden)");
        output.WriteLine($"{"flow",-9} {"shape",-12} {"sample/s",11} {"log p/s",11} {"ms/step",9} {"memory MB",10} {"leaked",7}");
        foreach (var architecture in chosen)
        {
            var shape = architecture.Supports(Shape.Vector(2)) ? Shape.Vector(2) : Shape.Image(1, 14, 14);
            var options = new ArchitectureOptions { Levels = shape.IsImage ? 1 : 2, Net = new SubnetSpec() };
            // The widest layer of these default nets is hidden x hidden; image nets are convolutions (always big).
            ThreadCount.Apply(requested, shape.IsImage ? long.MaxValue : (long)options.Net.Hidden * options.Net.Hidden * batch);
            var f = Benchmark.Run(architecture, shape, options, batch, budget, on);
            output.WriteLine($"{f.Architecture,-9} {f.Shape,-12} {f.SamplesPerSecond,11:N0} {Show(f.LogProbsPerSecond),11} " +
                             $"{(double.IsNaN(f.TrainStepMilliseconds) ? "-" : f.TrainStepMilliseconds.ToString("F1")),9} {f.WorkingSetMegabytes,10:N0} {f.LeakedTensors,7}");
        }
        return 0;
    }

    static int ServerBench(TextWriter output, long points, int requests, TimeSpan latencyBudget)
    {
        if (points is < 1 or > 1_000_000) throw new UsageException("--points", $"must be 1 to 1,000,000 (the server's cap), got {points}");
        if (requests < 0) throw new UsageException("--requests", $"must be 0 or more, got {requests}");
        output.WriteLine($"flowlive bench --server: in-process server on 127.0.0.1, libtorch on 1 thread per compute worker ({Environment.ProcessorCount} workers)");
        var f = Bench.ServerBenchmark.Run(points, requests, latencyBudget, output).GetAwaiter().GetResult();
        output.WriteLine($"{"stream",-8} {"points",9} {"in-process pts/s",17} {"wire pts/s",12} {"wire MB/s",10} {"ratio",6} {"first chunk ms",15}");
        foreach (var s in f.Streams)
            output.WriteLine($"{s.Rpc,-8} {s.Points,9:N0} {s.InProcessPointsPerSecond,17:N0} {s.WirePointsPerSecond,12:N0} {s.WireMegabytesPerSecond,10:N1} {s.Ratio,6:F2} {s.FirstChunkMilliseconds,15:F1}");
        output.WriteLine($"{"LogProb (16 points)",-20} {"calls",7} {"p50 ms",8} {"p99 ms",8} {"calls/s",9}");
        foreach (var l in f.Latencies)
            output.WriteLine($"{l.Clients + (l.Clients == 1 ? " client" : " clients"),-20} {l.Calls,7:N0} {l.P50Milliseconds,8:F2} {l.P99Milliseconds,8:F2} {l.CallsPerSecond,9:N0}");
        output.WriteLine($"memory: working set {f.WorkingSetBeforeMegabytes:N0} MB before {f.MixedRequests:N0} mixed requests, {f.WorkingSetAfterMegabytes:N0} MB after; " +
                         $"live tensors on the compute threads after: {f.LiveTensorsAfter}");
        return 0;
    }

    static int ViewerBench(TextWriter output, int[] pointCounts, TimeSpan budget)
    {
        foreach (var n in pointCounts)
            if (n is < 2_000 or > 1_000_000) throw new UsageException("--points", $"the viewer draws 2,000 to 1,000,000 points, got {n:N0}");
        output.WriteLine($"flowlive bench --viewer: flow steps of two_moons-realnvp, 1280x720 offscreen, {budget.TotalSeconds:0} s of animation per row");
        output.WriteLine($"{"points",10} {"renderer",-34} {"path",4} {"first frame s",14} {"p99 ms streaming",17} {"fps",7} {"p99 ms",8}");
        foreach (var n in pointCounts)
        {
            var f = Bench.ViewerBenchmark.Run(n, budget).GetAwaiter().GetResult();
            string renderer = f.Renderer.Length > 34 ? f.Renderer[..34] : f.Renderer;
            output.WriteLine($"{f.Points,10:N0} {renderer,-34} {(f.CpuSplatting ? "cpu" : "gpu"),4} {f.FirstFrameSeconds,14:F2} {f.StreamingP99Milliseconds,17:F1} {f.FramesPerSecond,7:F1} {f.P99Milliseconds,8:F1}");
        }
        return 0;
    }

    /// <summary>Flags given on the command line that the chosen kind of bench does not read are usage errors, never ignored.</summary>
    static void Refuse(System.CommandLine.ParseResult parsed, string mode, IReadOnlyCollection<Option> used, IEnumerable<Option> all)
    {
        foreach (var option in all.Except(used))
            if (parsed.GetResult(option) is { Implicit: false })
                throw new UsageException(option.Name, mode == "workloads"
                    ? "does not apply to the workloads (bench without --architectures, --server or --viewer)"
                    : $"does not apply to bench {mode}");
    }

    static int WorkloadBench(TextWriter output, string[]? names, bool comparePyTorch, string? jsonPath, WorkloadSize size, int requestedThreads,
        TimeSpan budget, int? calls, int rounds)
    {
        string? jsonFile = jsonPath is null ? null : OutputPath.Check(jsonPath, "--json", ".json");
        var chosen = names is { Length: > 0 } ? names.Distinct().Select(n => ComputeWorkloads.Find(n)!).ToList() : [.. ComputeWorkloads.All];
        using var peer = comparePyTorch ? PyTorchPeer.Start() : null;
        var config = new ComputeBenchConfig(chosen, size, requestedThreads, budget, calls, rounds);
        output.WriteLine($"flowlive bench: {chosen.Count} workload{(chosen.Count == 1 ? "" : "s")} ({(size == WorkloadSize.Full ? "full size" : "tiny size")}), " +
                         $"{(requestedThreads > 0 ? ThreadCount.Describe(requestedThreads) : "threads automatic (per workload: column thr)")}, cpu, " +
                         $"median of {rounds} round{(rounds == 1 ? "" : "s")} after {ComputeBenchmark.WarmUpCalls} warm-up calls, heap: {HeapAllocator.Current()}" +
                         (MklKernels.Current() is string mkl ? $", MKL kernels: {mkl}" : "") +
                         (peer is null ? "" : $"; PyTorch {peer.TorchVersion} ({peer.Python}) interleaved on the same threads, heap: {peer.Allocator}, BLAS: " +
                                              (peer.Blas.Count == 0 ? "none found" : string.Join(", ", peer.Blas.Select(Path.GetFileName)))));
        if (peer is { OptimisedBlas: false })
            output.WriteLine($"warning: PyTorch is on the reference BLAS (about 30 times slower than OpenBLAS): install {PyTorchPeer.OpenBlasPackage}");
        ComputeBenchReport.WriteHeader(output);
        var result = ComputeBenchmark.Run(config, peer, row => { ComputeBenchReport.WriteRow(output, row); output.Flush(); });
        ComputeBenchReport.WriteFooter(output, result);
        if (jsonFile is not null)
        {
            ComputeBenchReport.WriteJson(jsonFile, ComputeBenchReport.ToJson(result, config, MachineInfo.Current(), peer));
            output.WriteLine($"wrote {jsonFile}");
        }
        return result.Workloads.Any(w => w.Mismatch is not null) ? ExitCodes.Failure : 0;
    }

    static string Show(double rate) => double.IsNaN(rate) ? "-" : rate.ToString("N0");
}
