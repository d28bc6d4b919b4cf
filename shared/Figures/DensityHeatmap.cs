using FlowLive.Imaging;
using ScottPlot;

namespace FlowLive.Figures;

/// <summary>
/// The heatmap of a 2-D log-density grid on the grid's own axes, with a colour bar labelled "log p(x)" and
/// optionally points (samples) on top. Cells that are -inf or NaN (outside a bounded support), or below
/// <c>floor</c>, are drawn as the lowest colour.
/// </summary>
public static class DensityHeatmap
{
    public const string ColourBarLabel = "log p(x)";

    /// <param name="floor">log-density shown as the lowest colour; null for the smallest finite value. A floor such as
    /// max - 10 keeps far tails from squeezing the colours of the bulk.</param>
    public static Figure Render(DensityGrid grid, string title, float[]? points = null, string pointsLabel = "samples",
        double? floor = null, int width = FigureStyle.PanelWidth, int height = FigureStyle.PanelHeight)
    {
        FigureStyle.CheckSize(width, height);
        var plot = FigureStyle.NewPlot(title, "x1", "x2");
        Draw(plot, grid, points, pointsLabel, floor, colourBar: true);
        return Figure.Single(plot, width, height);
    }

    /// <summary>Draws the heatmap (and points) into <paramref name="plot"/>; shared with the multi-panel figures.</summary>
    internal static void Draw(Plot plot, DensityGrid grid, float[]? points, string pointsLabel, double? floor, bool colourBar, float scale = 1)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var window = grid.Window;
        var heatmap = plot.Add.Heatmap(Intensities(grid, floor));
        heatmap.Colormap = FigureStyle.DensityColormap;
        heatmap.Extent = new CoordinateRect(window.XMin, window.XMax, window.YMin, window.YMax);
        if (colourBar)
        {
            var bar = plot.Add.ColorBar(heatmap);
            bar.Label = ColourBarLabel;
            bar.LabelStyle.FontSize = FigureStyle.LabelSize * scale;
            bar.Axis.TickLabelStyle.FontSize = FigureStyle.TickSize * scale;
        }
        if (points is { Length: > 0 })
        {
            var markers = ScatterFigures.AddPoints(plot, points, Colors.White.WithAlpha(0.6), 3 * scale);
            markers.LegendText = pointsLabel;
            plot.ShowLegend(Alignment.UpperRight);
        }
        plot.Axes.SetLimits(window.XMin, window.XMax, window.YMin, window.YMax);
        plot.Axes.SquareUnits();
    }

    /// <summary>
    /// The grid as ScottPlot's [row, column] intensities (row 0 at the top, as the grid is) with every non-finite or
    /// below-floor cell raised to the floor, so the colour scale spans finite values only.
    /// </summary>
    internal static double[,] Intensities(DensityGrid grid, double? floor)
    {
        var window = grid.Window;
        var range = grid.FiniteRange();
        double max = range?.Max ?? 0, low = floor ?? range?.Min ?? 0;
        if (low > max) low = max;
        var values = new double[window.Rows, window.Columns];
        for (int row = 0; row < window.Rows; row++)
            for (int column = 0; column < window.Columns; column++)
            {
                double v = grid.LogDensityAt(row, column);
                values[row, column] = double.IsNaN(v) || v < low ? low : Math.Min(v, max);
            }
        return values;
    }
}
