using System.Diagnostics;
using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// Speed and memory of one architecture, measured rather than asserted (FlowLive keeps timing out of unit tests):
/// samples/s for Sample and LogProb, ms per training step, process memory after the run, and the live tensor count
/// before and after (which must match: a difference is a leak).
/// </summary>
public static class Benchmark
{
    public sealed record Figures(string Architecture, Shape Shape, int Batch, double SamplesPerSecond, double LogProbsPerSecond,
        double TrainStepMilliseconds, double WorkingSetMegabytes, long LeakedTensors);

    public static Figures Run(Architecture architecture, Shape shape, ArchitectureOptions options, int batch, TimeSpan budget, Device device)
    {
        using var flow = architecture.Create(shape, options).Build();
        using (var generator = RunSeeds.Generator(0, RunSeeds.Initialisation)) WeightInitialisation.Apply(flow.Module, generator);
        flow.To(device, ScalarType.Float32);
        flow.Train(false);
        long liveBefore = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;

        double samples = Rate(budget, () => flow.Sample(batch, seed: 1).Dispose()) * batch;
        double logProbs = double.NaN, stepMs = double.NaN;
        if (!architecture.ReverseKlOnly)
        {
            using (var x = flow.Sample(batch, seed: 2))
                logProbs = Rate(budget, () => { using var _ = no_grad(); flow.LogProb(x).Dispose(); }) * batch;
            stepMs = 1000 / TrainSteps(flow, batch, budget);
        }
        flow.Train(false);
        GC.Collect();
        long leaked = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount - liveBefore;
        double megabytes = Process.GetCurrentProcess().WorkingSet64 / (1024.0 * 1024.0);
        return new Figures(architecture.Name, shape, batch, samples, logProbs, stepMs, megabytes, leaked);
    }

    static double TrainSteps(Flow flow, int batch, TimeSpan budget)
    {
        using var optimizer = new FlatAdam(flow.Parameters());
        using var data = flow.Sample(batch, seed: 3);
        flow.Train(true);
        return Rate(budget, () =>
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            (-flow.LogProb(data).mean()).backward();
            optimizer.Step(1e-4);
        });
    }

    /// <summary>Calls per second of <paramref name="action"/>, after one warm-up call, over about <paramref name="budget"/>.</summary>
    static double Rate(TimeSpan budget, Action action)
    {
        action();
        var clock = Stopwatch.StartNew();
        int calls = 0;
        do { action(); calls++; } while (clock.Elapsed < budget);
        return calls / clock.Elapsed.TotalSeconds;
    }
}
