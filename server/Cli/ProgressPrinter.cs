using FlowLive.Training;

namespace FlowLive.Server.Cli;

/// <summary>Prints training progress as plain lines (they read well in terminals, logs and CI alike).</summary>
public sealed class ProgressPrinter(TextWriter output, int batchSize, string loss = "nll") : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress p) =>
        output.WriteLine($"  step {p.Step,6}/{p.Steps}  {loss} {p.NegativeLogLikelihood,8:F4}  " +
                         $"({p.Elapsed.TotalSeconds:F1} s, {p.SamplesPerSecond(batchSize):N0} samples/s)");
}
