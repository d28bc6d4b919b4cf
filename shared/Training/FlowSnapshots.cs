using FlowLive.Flows;
using FlowLive.Imaging;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// What a watcher sees of a flow mid-training: 2,000 samples (the same base points every time, so a viewer sees them
/// move as the flow learns) and, for 2-D data, a 64 x 64 log-density grid over the held-out data's extent.
/// </summary>
public static class FlowSnapshots
{
    public const int SampleCount = 2000, GridResolution = 64;

    public static TrainingSnapshot Take(Flow flow, int step, TimeSpan elapsed, Tensor? reference, long seed)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        flow.Train(false);
        var samples = flow.Sample(SampleCount, seed: (long)(RunSeeds.Mix(seed, RunSeeds.Snapshots, 0) >> 1)).to(float32).cpu();
        DensityGrid? density = null;
        if (flow.DataShape.IsVector && flow.DataShape[0] == 2)
        {
            density = DensityGrid.Evaluate(flow, GridWindow.Around(reference ?? samples, GridResolution, tail: 0.005));
        }
        return new TrainingSnapshot(step, samples.data<float>().ToArray(), samples.shape, density, elapsed);
    }
}
