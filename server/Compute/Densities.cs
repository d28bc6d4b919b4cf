using FlowLive.Flows;
using FlowLive.Imaging;

namespace FlowLive.Server.Compute;

/// <summary>
/// Density grids of 2-D models: the full model's, or each layer prefix's (the density of the state after k layers,
/// which is what a heatmap shows changing layer by layer). On the wire, see TensorMessages.ToMessage(DensityGrid).
/// </summary>
public static class Densities
{
    /// <summary>
    /// A square window around 4,096 of the model's samples (seed 0), the default when a client gives none: the same for
    /// every request, so a model computes it once (<see cref="Registry.HostedModel.DefaultWindow"/>); see <see cref="Regrid"/>.
    /// </summary>
    public static GridWindow DefaultWindow(Flow flow) =>
        GridWindow.Around(flow.Sample(4096, 1.0, seed: 0), resolution: 1, tail: 0.005, samePadding: true);

    /// <summary>The bounds of <paramref name="window"/> cut into <paramref name="columns"/> x <paramref name="rows"/> cells.</summary>
    public static GridWindow Regrid(GridWindow window, int columns, int rows) =>
        new(window.XMin, window.XMax, window.YMin, window.YMax, columns, rows);

    public static DensityGrid Evaluate(Flow flow, GridWindow window, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        return DensityGrid.Evaluate(flow, window);
    }
}
