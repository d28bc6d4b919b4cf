using FlowLive.Flows;
using FlowLive.Imaging;

namespace FlowLive.Server.Compute;

/// <summary>
/// Density grids of 2-D models: the full model's, or each layer prefix's (the density of the state after k layers,
/// which is what a heatmap shows changing layer by layer). On the wire, see TensorMessages.ToMessage(DensityGrid).
/// </summary>
public static class Densities
{
    /// <summary>A square window around 4,096 of the model's samples (seed 0): the default when a client gives none.</summary>
    public static GridWindow DefaultWindow(Flow flow, int columns, int rows)
    {
        var samples = flow.Sample(4096, 1.0, seed: 0);
        var around = GridWindow.Around(samples, columns, tail: 0.005, samePadding: true);
        return new GridWindow(around.XMin, around.XMax, around.YMin, around.YMax, columns, rows);
    }

    public static DensityGrid Evaluate(Flow flow, GridWindow window, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        return DensityGrid.Evaluate(flow, window);
    }
}
