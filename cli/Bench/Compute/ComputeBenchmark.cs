using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Cli.Bench.Compute;

/// <summary>What one `flowlive bench` run measures and how.</summary>
/// <param name="Threads">libtorch threads for every workload; 0 = automatic, as FlowLive's commands choose for each (<see cref="ThreadCount"/>).</param>
public sealed record ComputeBenchConfig(IReadOnlyList<ComputeWorkload> Workloads, WorkloadSize Size, int Threads, TimeSpan Budget,
    int? Calls = null, int Rounds = 3);

/// <summary>
/// One workload's figures. Times are medians of the timed calls after warm-up; the ratio is FlowLive over PyTorch
/// (null where PyTorch did not run); the floor is the workload's matrix-product FLOPs at the sgemm rate measured
/// beside it (<see cref="SgemmGigaflops"/>); memory is the peak resident set while the workload ran, its growth from
/// after warm-up to the last call, and the live tensors left after it was freed (0, or something leaks).
/// </summary>
public sealed record WorkloadFigures(string Name, string Description, int Threads, int Calls, double FlowLiveMilliseconds, double? PyTorchMilliseconds,
    double FloorMilliseconds, double SgemmGigaflops, double PeakRssMegabytes, double? PyTorchPeakRssMegabytes, double RssGrowthMegabytes, long LiveTensorsAfter,
    long Parameters, double Flops, string? Mismatch)
{
    public double? Ratio => PyTorchMilliseconds is double p && p > 0 ? FlowLiveMilliseconds / p : null;
    public double TimesFloor => FlowLiveMilliseconds / FloorMilliseconds;
}

public sealed record ComputeBenchResult(IReadOnlyList<WorkloadFigures> Workloads)
{
    /// <summary>The lowest and highest sgemm rate the floors used: how much the machine drifted during the run.</summary>
    public (double Low, double High) SgemmRange => (Workloads.Min(w => w.SgemmGigaflops), Workloads.Max(w => w.SgemmGigaflops));
}

/// <summary>
/// Runs the workloads in FlowLive and, with a peer, in PyTorch in the same run: for each workload both sides warm up,
/// then take turns (FlowLive's calls, PyTorch's calls, Rounds times), so drift of a shared machine falls on both.
/// Each workload runs on the threads the config gives, or automatic ones, on both sides.
/// </summary>
public static class ComputeBenchmark
{
    public const int WarmUpCalls = 2;

    /// <summary>
    /// Measures every workload in order; <paramref name="measured"/> sees each row as it is done.
    /// Each row's floor uses sgemm calls timed in its own rounds, beside its calls (<see cref="CalibrationCallsPerRound"/>
    /// a round, on the calibration's threads), for the reason ratios are taken in one run: this machine's sgemm rate
    /// drifts by a third within minutes (2,048-square products on two threads: medians of 118 and 135 ms ten minutes
    /// apart, single calls 97-227 ms), and a floor from one calibration at the start moved "x floor" as much.
    /// </summary>
    public static ComputeBenchResult Run(ComputeBenchConfig config, PyTorchPeer? peer, Action<WorkloadFigures>? measured = null)
    {
        var calibrationWorkload = ComputeWorkloads.Find(ComputeWorkloads.Calibration)!;
        using var calibrationCall = calibrationWorkload.Prepare(config.Size);
        int calibrationThreads = ThreadCount.Resolve(config.Threads, calibrationCall.LargestProduct);
        var calibration = new Calibration(calibrationCall, calibrationThreads);
        var figures = new List<WorkloadFigures>();
        foreach (var workload in config.Workloads)
        {
            bool isCalibration = workload == calibrationWorkload;
            var timed = Measure(workload, config, peer, isCalibration ? null : calibration);
            var row = timed with { FloorMilliseconds = timed.Flops / (timed.SgemmGigaflops * 1e6) };
            figures.Add(row);
            measured?.Invoke(row);
        }
        return new ComputeBenchResult(figures);
    }

    /// <summary>Sgemm calls a round timed beside each workload for its floor.</summary>
    public const int CalibrationCallsPerRound = 3;

    /// <summary>The sgemm product, ready, and the threads it runs on (all cores when automatic).</summary>
    sealed record Calibration(PreparedWorkload Call, int Threads)
    {
        public IEnumerable<double> TimeRound(int workloadThreads)
        {
            set_num_threads(Threads);
            var times = Enumerable.Range(0, CalibrationCallsPerRound).Select(_ => Time(Call)).ToList();
            set_num_threads(workloadThreads);
            return times;
        }
    }

    /// <summary>
    /// One workload's figures, all but the floor (NaN here), with the sgemm rate measured beside it: from
    /// <paramref name="calibration"/>'s calls in its rounds, or, for the calibration row itself, from its own calls.
    /// </summary>
    static WorkloadFigures Measure(ComputeWorkload workload, ComputeBenchConfig config, PyTorchPeer? peer, Calibration? calibration)
    {
        var liveBefore = LiveTensors();
        ProcessMemory.ResetPeak();
        var ours = new List<double>();
        var theirs = new List<double>();
        var sgemm = new List<double>();
        PyTorchPeer.Answer? last = null;
        int calls, threads;
        double rssAfterWarmUp, rssAtEnd;
        long parameters;
        double flops;
        using (var prepared = workload.Prepare(config.Size))
        {
            parameters = prepared.Parameters;
            flops = prepared.Flops;
            // A bench is one process measuring several set-ups: each workload's thread count is part of its set-up.
            threads = ThreadCount.Apply(config.Threads, prepared.LargestProduct);
            double warmUp = 0;
            for (int i = 0; i < WarmUpCalls; i++) warmUp = Time(prepared);
            if (peer is not null) last = peer.Run(workload.Name, config.Size, threads, 0);
            rssAfterWarmUp = ProcessMemory.ResidentMegabytes();
            calls = config.Calls ?? (int)Math.Clamp(Math.Ceiling(config.Budget.TotalMilliseconds / config.Rounds / Math.Max(warmUp, 1e-3)), 1, 10_000);
            for (int round = 0; round < config.Rounds; round++)
            {
                for (int i = 0; i < calls; i++) ours.Add(Time(prepared));
                if (peer is not null)
                {
                    last = peer.Run(workload.Name, config.Size, threads, calls);
                    theirs.AddRange(last.TimesMilliseconds);
                }
                if (calibration is not null) sgemm.AddRange(calibration.TimeRound(threads));
            }
            rssAtEnd = ProcessMemory.ResidentMegabytes();
        }
        double sgemmFlops = calibration?.Call.Flops ?? flops;
        double sgemmGigaflops = sgemmFlops / Percentiles.Median(calibration is null ? ours : sgemm) / 1e6;
        string? mismatch = last is null ? null
            : last.Parameters != parameters ? $"PyTorch's model has {last.Parameters:N0} weights, FlowLive's {parameters:N0}: not the same model"
            : Math.Abs(last.Flops - flops) > 1e-9 * flops ? $"PyTorch's workload counts {last.Flops:G4} FLOPs, FlowLive's {flops:G4}: not the same size"
            : null;
        return new WorkloadFigures(workload.Name, workload.Description, threads, calls * config.Rounds, Percentiles.Median(ours),
            theirs.Count > 0 ? Percentiles.Median(theirs) : null, double.NaN, sgemmGigaflops, ProcessMemory.PeakMegabytes(), last?.PeakRssMegabytes,
            rssAtEnd - rssAfterWarmUp, LiveTensors() - liveBefore, parameters, flops, mismatch);
    }

    static double Time(PreparedWorkload prepared)
    {
        long start = Stopwatch.GetTimestamp();
        prepared.Call();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    static long LiveTensors() => DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
}
