using ScottPlot;

namespace FlowLive.Figures;

/// <summary>A named set of 2-D points as interleaved [x, y] pairs, e.g. the data or the flow's samples.</summary>
public sealed record PointSet(string Name, float[] Points);

/// <summary>
/// Scatter plots of 2-D points: several sets overlaid with a legend (data vs samples), or one set coloured by a value
/// per point with a colour bar (e.g. data pushed to latent space, coloured by each point's radius).
/// </summary>
public static class ScatterFigures
{
    /// <summary>Sets drawn in order (later on top), each in its series colour, semi-transparent so density shows.</summary>
    public static Figure Overlay(IReadOnlyList<PointSet> sets, string title, string xLabel = "x1", string yLabel = "x2",
        int width = FigureStyle.PanelWidth, int height = FigureStyle.PanelHeight)
    {
        ArgumentNullException.ThrowIfNull(sets);
        FigureStyle.CheckSize(width, height);
        if (sets.Count == 0) throw new ArgumentException("a scatter overlay needs at least one point set", nameof(sets));
        var plot = FigureStyle.NewPlot(title, xLabel, yLabel);
        DrawOverlay(plot, sets, markerSize: 4);
        return Figure.Single(plot, width, height);
    }

    /// <summary>
    /// Points coloured by <paramref name="values"/> (one per point) on a viridis scale from their min to max, with a
    /// colour bar labelled <paramref name="valueLabel"/>.
    /// </summary>
    public static Figure ColouredByValue(float[] points, float[] values, string title, string valueLabel,
        string xLabel = "z1", string yLabel = "z2", int width = FigureStyle.PanelWidth, int height = FigureStyle.PanelHeight)
    {
        CheckPoints(points, nameof(points));
        ArgumentNullException.ThrowIfNull(values);
        FigureStyle.CheckSize(width, height);
        if (values.Length != points.Length / 2)
            throw new ArgumentException($"{points.Length / 2} points need as many values, got {values.Length}", nameof(values));
        var plot = FigureStyle.NewPlot(title, xLabel, yLabel);
        var finite = values.Where(float.IsFinite).ToArray();
        var range = finite.Length == 0 ? new ScottPlot.Range(0, 1) : new ScottPlot.Range(finite.Min(), finite.Max());
        // One marker plottable per colour band: ScottPlot colours a plottable with one colour, and 64 bands are finer
        // than the eye can tell apart on a colour bar.
        const int bands = 64;
        var members = new List<int>[bands];
        for (int b = 0; b < bands; b++) members[b] = [];
        double span = range.Max - range.Min;
        for (int i = 0; i < values.Length; i++)
        {
            double t = span > 0 && float.IsFinite(values[i]) ? (values[i] - range.Min) / span : 0;
            members[Math.Clamp((int)(t * bands), 0, bands - 1)].Add(i);
        }
        for (int b = 0; b < bands; b++)
        {
            if (members[b].Count == 0) continue;
            var xy = members[b].SelectMany(i => new[] { points[2 * i], points[2 * i + 1] }).ToArray();
            AddPoints(plot, xy, FigureStyle.DensityColormap.GetColor((b + 0.5) / bands).WithAlpha(0.8), 5);
        }
        var bar = plot.Add.ColorBar(new ColourScale(FigureStyle.DensityColormap, range));
        bar.Label = valueLabel;
        bar.LabelStyle.FontSize = FigureStyle.LabelSize;
        bar.Axis.TickLabelStyle.FontSize = FigureStyle.TickSize;
        plot.Axes.SquareUnits();
        return Figure.Single(plot, width, height);
    }

    internal static void DrawOverlay(Plot plot, IReadOnlyList<PointSet> sets, float markerSize)
    {
        for (int i = 0; i < sets.Count; i++)
        {
            CheckPoints(sets[i].Points, $"{nameof(sets)}[{i}] ('{sets[i].Name}')");
            var markers = AddPoints(plot, sets[i].Points, FigureStyle.SeriesColour(i).WithAlpha(0.45), markerSize);
            markers.LegendText = sets[i].Name;
        }
        if (sets.Count > 1 || sets[0].Name.Length > 0) plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.SquareUnits();
    }

    /// <summary>Filled circles at the finite [x, y] pairs of <paramref name="xy"/>.</summary>
    internal static ScottPlot.Plottables.Markers AddPoints(Plot plot, float[] xy, Color colour, float size)
    {
        int n = xy.Length / 2;
        var xs = new List<double>(n);
        var ys = new List<double>(n);
        for (int i = 0; i < n; i++)
            if (float.IsFinite(xy[2 * i]) && float.IsFinite(xy[2 * i + 1])) { xs.Add(xy[2 * i]); ys.Add(xy[2 * i + 1]); }
        return plot.Add.Markers(xs.ToArray(), ys.ToArray(), MarkerShape.FilledCircle, size, colour);
    }

    static void CheckPoints(float[] points, string name)
    {
        if (points is null) throw new ArgumentNullException(name);
        if (points.Length % 2 != 0) throw new ArgumentException($"{name} must hold [x, y] pairs, got {points.Length} values", name);
    }

    /// <summary>A colour axis for the colour bar of points coloured by value.</summary>
    sealed class ColourScale(IColormap colormap, ScottPlot.Range range) : IHasColorAxis
    {
        public IColormap Colormap { get; set; } = colormap;
        public ScottPlot.Range GetRange() => range;
    }
}
