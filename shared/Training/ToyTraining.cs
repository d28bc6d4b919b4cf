using FlowLive.Data.Toy;
using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Models;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// Trains a ready-made flow on a 2-D toy dataset, fresh batches every step, and measures it on a held-out sample;
/// or fits one to an energy target by reverse KL. Shared by `flowlive train`, the demo and (later) the server.
/// </summary>
public static class ToyTraining
{
    /// <summary>Size of the held-out sample the test NLL is measured on (drawn with its own seed).</summary>
    public const int TestSize = 10_000;

    public static TrainedFlow Train(IToyDataset dataset, Architecture architecture, ArchitectureOptions architectureOptions,
        TrainingOptions options, Device device, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default) =>
        TrainedFlow.Create(architecture.Create(Shape.Vector(2), architectureOptions), options, device, flow =>
        {
            double trainNll = Trainer.Fit(flow, dataset.Sample, options, device, progress, cancellation);
            double testNll;
            using (var generator = new Generator((ulong)(options.Seed + 1_000_003)))
            using (var test = dataset.Sample(TestSize, generator))
            using (var onDevice = test.to(device))
                testNll = Trainer.Evaluate(flow, onDevice);
            return new ModelSpec
            {
                Name = $"{dataset.Name}-{architecture.Name}",
                Flow = flow.Spec,
                Dataset = dataset.Name,
                Metrics = new Dictionary<string, double> { ["train_nll"] = trainNll, ["test_nll"] = testNll },
            };
        });

    /// <summary>
    /// Fits a ready-made 2-D flow to an energy target (<see cref="EnergyTargets"/>) by reverse KL. The objective
    /// E_q[log q - log p~] is stored as "reverse_kl_minus_log_z", and as "kl" where the target's normaliser is known.
    /// </summary>
    public static TrainedFlow FitTarget(string target, Architecture architecture, ArchitectureOptions architectureOptions,
        TrainingOptions options, Device device, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        EnergyTargets.LogDensity(target, zeros(1, 2)).Dispose(); // an unknown name fails here, before any work
        return TrainedFlow.Create(architecture.Create(Shape.Vector(2), architectureOptions), options, device, flow =>
        {
            double objective = ReverseKl.Fit(flow, x => EnergyTargets.LogDensity(target, x), options, device, progress, cancellation);
            var metrics = new Dictionary<string, double> { ["reverse_kl_minus_log_z"] = objective };
            if (EnergyTargets.LogNormaliser(target) is double logZ) metrics["kl"] = objective + logZ;
            return new ModelSpec { Name = $"{target}-{architecture.Name}", Flow = flow.Spec, Dataset = $"target:{target}", Metrics = metrics };
        });
    }
}
