using FlowLive.Imaging;
using ScottPlot;

namespace FlowLive.Figures;

/// <summary>One titled panel of a scatter grid: its point sets (e.g. the data and the samples at one training step).</summary>
public sealed record ScatterPanel(string Title, IReadOnlyList<PointSet> Sets);

/// <summary>
/// Figures of several titled panels laid out in a grid: the density after 0, 1, .., K layers in a row (one colour
/// scale for all, one colour bar), and scatter panels (e.g. samples after each training step) on shared axes.
/// </summary>
public static class PanelFigures
{
    /// <summary>Default panel size of multi-panel figures: a row of five or six still fits a slide.</summary>
    public const int PanelWidth = 480;
    public const int PanelHeight = 440;
    const float FontScale = 0.8f;

    /// <summary>
    /// A row of heatmaps of <paramref name="grids"/> (e.g. <see cref="FlowSnapshot2D.PrefixDensities"/>), panel i titled
    /// <paramref name="titles"/>[i], sharing one colour scale from the lowest finite value (or <paramref name="floor"/>)
    /// to the highest, with the colour bar on the last panel.
    /// </summary>
    public static Figure DensityRow(IReadOnlyList<DensityGrid> grids, IReadOnlyList<string> titles, double? floor = null,
        int columns = 0, int panelWidth = PanelWidth, int panelHeight = PanelHeight)
    {
        ArgumentNullException.ThrowIfNull(grids);
        ArgumentNullException.ThrowIfNull(titles);
        if (grids.Count == 0) throw new ArgumentException("a density row needs at least one grid", nameof(grids));
        if (titles.Count != grids.Count) throw new ArgumentException($"{grids.Count} grids need as many titles, got {titles.Count}", nameof(titles));
        var ranges = grids.Select(g => g.FiniteRange()).Where(r => r is not null).Select(r => r!.Value).ToList();
        double max = ranges.Count > 0 ? ranges.Max(r => r.Max) : 0;
        double low = Math.Min(floor ?? (ranges.Count > 0 ? ranges.Min(r => r.Min) : 0), max);

        columns = columns <= 0 ? grids.Count : columns;
        var plots = new List<Plot>();
        for (int i = 0; i < grids.Count; i++)
        {
            var plot = FigureStyle.NewPlot(titles[i], "x1", i % columns == 0 ? "x2" : "", FontScale);
            bool last = i == grids.Count - 1;
            DensityHeatmap.Draw(plot, grids[i], points: null, pointsLabel: "", floor: low, colourBar: last, FontScale);
            var heatmap = plot.GetPlottables<ScottPlot.Plottables.Heatmap>().Single();
            heatmap.ManualRange = new ScottPlot.Range(low, max > low ? max : low + 1);
            plots.Add(plot);
        }
        return Lay(plots, columns, panelWidth, panelHeight);
    }

    /// <summary>
    /// The density after 0, 1, .., K layers of a snapshot taken with <see cref="FlowSnapshot2DOptions.PrefixDensities"/>,
    /// titled "base", "after layer 1 (affine_coupling)", ...
    /// </summary>
    public static Figure LayerDensities(FlowSnapshot2D snapshot, double? floor = null, int columns = 0,
        int panelWidth = PanelWidth, int panelHeight = PanelHeight)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var grids = snapshot.PrefixDensities
            ?? throw new ArgumentException("the snapshot has no prefix densities: capture it with PrefixDensities = true", nameof(snapshot));
        var titles = grids.Select((_, k) => k == 0 ? "base" : $"after layer {k} ({snapshot.StateNames[k]})").ToList();
        return DensityRow(grids, titles, floor, columns, panelWidth, panelHeight);
    }

    /// <summary>
    /// Scatter panels in a grid of <paramref name="columns"/> (e.g. 3 for the 3x3 grid of samples after each step), all
    /// on the same axes (the extent of every finite point, or <paramref name="window"/>), each with its title and legend.
    /// </summary>
    public static Figure ScatterGrid(IReadOnlyList<ScatterPanel> panels, int columns, GridWindow? window = null,
        int panelWidth = PanelWidth, int panelHeight = PanelHeight)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0) throw new ArgumentException("a scatter grid needs at least one panel", nameof(panels));
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "columns must be at least 1");
        var limits = window is null ? SharedLimits(panels) : (window.XMin, window.XMax, window.YMin, window.YMax);
        var plots = new List<Plot>();
        foreach (var panel in panels)
        {
            var plot = FigureStyle.NewPlot(panel.Title, "x1", "x2", FontScale);
            if (panel.Sets.Count > 0) ScatterFigures.DrawOverlay(plot, panel.Sets, markerSize: 3);
            plot.Axes.SetLimits(limits.XMin, limits.XMax, limits.YMin, limits.YMax);
            plots.Add(plot);
        }
        return Lay(plots, columns, panelWidth, panelHeight);
    }

    static Figure Lay(List<Plot> plots, int columns, int panelWidth, int panelHeight)
    {
        FigureStyle.CheckSize(panelWidth, panelHeight);
        columns = Math.Min(columns, plots.Count);
        int rows = (plots.Count + columns - 1) / columns;
        var multiplot = new Multiplot(plots[0]);
        foreach (var plot in plots.Skip(1)) multiplot.AddPlot(plot);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        return new Figure(multiplot, columns * panelWidth, rows * panelHeight);
    }

    /// <summary>The box around every finite point of every panel, with a 5% margin.</summary>
    static (double XMin, double XMax, double YMin, double YMax) SharedLimits(IReadOnlyList<ScatterPanel> panels)
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach (var set in panels.SelectMany(p => p.Sets))
            for (int i = 0; i + 1 < set.Points.Length; i += 2)
            {
                float x = set.Points[i], y = set.Points[i + 1];
                if (!float.IsFinite(x) || !float.IsFinite(y)) continue;
                (xMin, xMax, yMin, yMax) = (Math.Min(xMin, x), Math.Max(xMax, x), Math.Min(yMin, y), Math.Max(yMax, y));
            }
        if (xMin > xMax) return (-1, 1, -1, 1);
        double dx = Math.Max(xMax - xMin, 1e-6) * 0.05, dy = Math.Max(yMax - yMin, 1e-6) * 0.05;
        return (xMin - dx, xMax + dx, yMin - dy, yMax + dy);
    }
}
