using FlowLive.Data.Toy;
using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Models;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// Trains a ready-made flow on a 2-D toy dataset, fresh batches every step, and measures it on a held-out sample.
/// Shared by `flowlive train`, the demo and (later) the server's live training.
/// </summary>
public static class ToyTraining
{
    /// <summary>Size of the held-out sample the test NLL is measured on (drawn with its own seed).</summary>
    public const int TestSize = 10_000;

    public static TrainedFlow Train(IToyDataset dataset, Architecture architecture, ArchitectureOptions architectureOptions,
        TrainingOptions options, Device device, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var spec = architecture.Create(Shape.Vector(2), architectureOptions);
        // Initial weights come from torch's global generator: seed it, so the same seed trains the same flow.
        random.manual_seed(options.Seed);
        var flow = spec.Build().To(device, ScalarType.Float32);
        try
        {
            double trainNll = Trainer.Fit(flow, dataset.Sample, options, device, progress, cancellation);
            double testNll;
            using (var generator = new Generator((ulong)(options.Seed + 1_000_003)))
            using (var test = dataset.Sample(TestSize, generator))
            using (var onDevice = test.to(device))
                testNll = Trainer.Evaluate(flow, onDevice);
            var model = new ModelSpec
            {
                Name = $"{dataset.Name}-{architecture.Name}",
                Flow = flow.Spec,
                Dataset = dataset.Name,
                Metrics = new Dictionary<string, double>
                {
                    ["train_nll"] = trainNll,
                    ["test_nll"] = testNll,
                    ["steps"] = options.Steps,
                    ["batch_size"] = options.BatchSize,
                    ["seconds"] = clock.Elapsed.TotalSeconds,
                },
            };
            return new TrainedFlow(flow, model, clock.Elapsed);
        }
        catch
        {
            flow.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Fits a ready-made 2-D flow to an energy target (<see cref="EnergyTargets"/>) by reverse KL. The objective
    /// E_q[log q - log p~] is stored as "reverse_kl_minus_log_z", and as "kl" where the target's normaliser is known.
    /// </summary>
    public static TrainedFlow FitTarget(string target, Architecture architecture, ArchitectureOptions architectureOptions,
        TrainingOptions options, Device device, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        EnergyTargets.LogDensity(target, zeros(1, 2)).Dispose(); // an unknown name fails here, before any work
        var spec = architecture.Create(Shape.Vector(2), architectureOptions);
        random.manual_seed(options.Seed);
        var flow = spec.Build().To(device, ScalarType.Float32);
        try
        {
            double objective = ReverseKl.Fit(flow, x => EnergyTargets.LogDensity(target, x), options, device, progress, cancellation);
            var metrics = new Dictionary<string, double>
            {
                ["reverse_kl_minus_log_z"] = objective,
                ["steps"] = options.Steps,
                ["batch_size"] = options.BatchSize,
                ["seconds"] = clock.Elapsed.TotalSeconds,
            };
            if (EnergyTargets.LogNormaliser(target) is double logZ) metrics["kl"] = objective + logZ;
            var model = new ModelSpec { Name = $"{target}-{architecture.Name}", Flow = flow.Spec, Dataset = $"target:{target}", Metrics = metrics };
            return new TrainedFlow(flow, model, clock.Elapsed);
        }
        catch
        {
            flow.Dispose();
            throw;
        }
    }
}
