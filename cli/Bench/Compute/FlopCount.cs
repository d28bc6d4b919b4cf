using FlowLive.Flows.Nets;
using static TorchSharp.torch;

namespace FlowLive.Cli.Bench.Compute;

/// <summary>
/// Floating-point operations of a flow's matrix products: 2 x inputs x outputs per row for every linear layer, each
/// applied once per pass over the rows (true of every coupling flow the bench runs). Elementwise work is left out:
/// the floor is what the matrix products alone would take at the machine's sgemm rate, so it is a lower bound.
/// </summary>
public static class FlopCount
{
    public static double LinearPerRow(nn.Module module) =>
        DenseLayers.Shapes(module).Sum(l => 2.0 * l.Inputs * l.Outputs);

    /// <summary>A training step is the forward pass plus a backward pass of about twice its cost (input and weight gradients).</summary>
    public const double TrainingStepPasses = 3;
}
