using FlowLive.Flows;
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
        flow.Train(true);
        try
        {
            return OptimizationLoop.Run(flow.Parameters().ToList(), step =>
            {
                // A fresh, reproducible draw every step.
                var (x, logQ) = flow.SampleWithLogProb(options.BatchSize, seed: options.Seed * 1_000_003 + step);
                return (logQ - logTarget(x.to(device))).mean();
            }, options, "reverse-KL fitting", progress, cancellation);
        }
        finally
        {
            flow.Train(false);
        }
    }
}
