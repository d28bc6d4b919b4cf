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
            var points = (reference ?? samples).to(float64);
            var low = points.quantile(0.005, 0).cpu();
            var high = points.quantile(0.995, 0).cpu();
            double x0 = low[0].item<double>(), x1 = high[0].item<double>(), y0 = low[1].item<double>(), y1 = high[1].item<double>();
            double padX = 0.15 * (x1 - x0) + 1e-3, padY = 0.15 * (y1 - y0) + 1e-3;
            density = DensityGrid.Evaluate(flow, new GridWindow(x0 - padX, x1 + padX, y0 - padY, y1 + padY, GridResolution, GridResolution));
        }
        return new TrainingSnapshot(step, samples.data<float>().ToArray(), samples.shape, density, elapsed);
    }
}
