using System.Diagnostics;
using FlowLive.Flows;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// Fits a flow q to an unnormalised target p~ by reverse KL (Rezende and Mohamed 2015, section 4.2): minimise
/// E_q[log q(x) - log p~(x)] = KL(q || p) - log Z over reparameterised samples x = f(z), z ~ base. Needs only the
/// generative direction, so it also trains flows without an inverse (planar, radial).
/// </summary>
public static class ReverseKl
{
    /// <summary>Returns the last reporting window's mean of E_q[log q - log p~] (KL(q || p) - log Z, in nats).</summary>
    public static double Fit(Flow flow, Func<Tensor, Tensor> logTarget, TrainingOptions options, Device device,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        var parameters = flow.Parameters().ToList();
        if (parameters.Count == 0) throw new ArgumentException("the flow has no learnable parameters to fit", nameof(flow));
        using var optimizer = optim.Adam(parameters, options.LearningRate);
        var clock = Stopwatch.StartNew();
        double windowSum = 0, lastMean = double.NaN;
        int windowCount = 0;

        flow.Train(true);
        for (int step = 1; step <= options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                // A fresh, reproducible draw every step.
                var (x, logQ) = flow.SampleWithLogProb(options.BatchSize, seed: options.Seed * 1_000_003 + step);
                var loss = (logQ - logTarget(x.to(device))).mean();
                loss.backward();
                nn.utils.clip_grad_norm_(parameters, options.GradientClip);
                optimizer.step();
                double value = loss.ToDouble();
                if (!double.IsFinite(value))
                    throw new InvalidOperationException($"reverse-KL fitting diverged at step {step} (loss {value}); try a lower learning rate");
                windowSum += value;
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
        flow.Train(false);
        return lastMean;
    }
}
