using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// The gradient-descent loop both objectives share (maximum likelihood and reverse KL): Adam, gradient clipping, a
/// dispose scope per step so memory stays flat however long it runs, a stop on a non-finite loss, and progress
/// reports of the mean loss over each window of steps.
/// </summary>
static class OptimizationLoop
{
    /// <summary>Runs <paramref name="loss"/>(step) for steps 1..Steps and returns the last window's mean loss.</summary>
    public static double Run(IReadOnlyList<Parameter> parameters, Func<int, Tensor> loss, TrainingOptions options,
        string objective, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        options.Validate();
        if (parameters.Count == 0) throw new ArgumentException("the flow has no learnable parameters to train", nameof(parameters));
        using var optimizer = optim.Adam(parameters, options.LearningRate);
        var clock = Stopwatch.StartNew();
        double windowSum = 0, lastMean = double.NaN;
        int windowCount = 0;
        for (int step = 1; step <= options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                var value = loss(step);
                value.backward();
                nn.utils.clip_grad_norm_(parameters, options.GradientClip);
                optimizer.step();
                double number = value.ToDouble();
                if (!double.IsFinite(number))
                    throw new InvalidOperationException($"{objective} diverged at step {step} (loss {number}); try a lower learning rate");
                windowSum += number;
                windowCount++;
            }
            if (step % options.ReportEvery == 0 || step == options.Steps)
            {
                lastMean = windowSum / windowCount;
                progress?.Report(new TrainingProgress(step, options.Steps, lastMean, clock.Elapsed));
                windowSum = 0;
                windowCount = 0;
            }
        }
        return lastMean;
    }
}
