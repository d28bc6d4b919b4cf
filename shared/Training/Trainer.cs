using FlowLive.Flows;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// Fits a flow by maximum likelihood: minimise the mean of -log p(x) over batches with Adam.
/// Each step runs in its own dispose scope, so memory stays flat however long training runs.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="flow"/> on batches from <paramref name="nextBatch"/> (called with the batch size and a
    /// seeded generator; it returns data-side tensors on any device: they are moved to the flow's).
    /// Returns the mean negative log-likelihood of the last reporting window.
    /// </summary>
    public static double Fit(Flow flow, Func<long, Generator, Tensor> nextBatch, TrainingOptions options, Device device,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        using var generator = new Generator((ulong)options.Seed);
        flow.Train(true);
        try
        {
            return OptimizationLoop.Run(flow.Parameters().ToList(), step =>
            {
                var batch = nextBatch(options.BatchSize, generator).to(device);
                if (step == 1) InitializeFromData(flow, batch);
                return -flow.LogProb(batch).mean();
            }, options, "training", progress, cancellation);
        }
        finally
        {
            flow.Train(false);
        }
    }

    /// <summary>Lets data-dependent layers (ActNorm) see a first batch before any gradient step.</summary>
    static void InitializeFromData(Flow flow, Tensor batch)
    {
        using var _ = no_grad();
        flow.Encode(batch);
    }

    /// <summary>Mean negative log-likelihood of <paramref name="data"/> (nats per sample), in evaluation mode.</summary>
    public static double Evaluate(Flow flow, Tensor data, int batchSize = 1024)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        flow.Train(false);
        double total = 0;
        long n = data.shape[0];
        for (long start = 0; start < n; start += batchSize)
        {
            using var inner = NewDisposeScope();
            var batch = data[TensorIndex.Slice(start, Math.Min(n, start + batchSize))];
            total += (-flow.LogProb(batch)).sum().to(float64).item<double>();
        }
        return total / n;
    }
}
