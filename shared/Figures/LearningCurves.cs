using ScottPlot;

namespace FlowLive.Figures;

/// <summary>One named curve: y (e.g. NLL in nats, or bits/dim) against x (step or epoch).</summary>
public sealed record CurveSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>A horizontal line with a label, e.g. the true entropy (0.59 nats) or a target ("bar 1.87").</summary>
public sealed record ReferenceLine(double Y, string Label);

/// <summary>
/// Learning curves: several series on one pair of axes with a legend, the y label carrying the unit, and an optional
/// labelled reference line. Non-finite points (a diverged step) are left out rather than breaking the axes.
/// </summary>
public static class LearningCurves
{
    public static Figure Render(IReadOnlyList<CurveSeries> series, string title, string xLabel, string yLabel,
        ReferenceLine? reference = null, int width = FigureStyle.PanelWidth, int height = FigureStyle.PanelHeight)
    {
        ArgumentNullException.ThrowIfNull(series);
        FigureStyle.CheckSize(width, height);
        if (series.Count == 0) throw new ArgumentException("learning curves need at least one series", nameof(series));
        var plot = FigureStyle.NewPlot(title, xLabel, yLabel);
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            if (s.X.Count != s.Y.Count)
                throw new ArgumentException($"series '{s.Name}' has {s.X.Count} x values but {s.Y.Count} y values", nameof(series));
            var finite = Enumerable.Range(0, s.X.Count).Where(k => double.IsFinite(s.X[k]) && double.IsFinite(s.Y[k])).ToArray();
            var line = plot.Add.Scatter(finite.Select(k => s.X[k]).ToArray(), finite.Select(k => s.Y[k]).ToArray(), FigureStyle.SeriesColour(i));
            line.LegendText = s.Name;
            line.LineWidth = 2.5f;
            line.MarkerSize = finite.Length <= 40 ? 6 : 0;
        }
        if (reference is not null)
        {
            if (!double.IsFinite(reference.Y)) throw new ArgumentException($"reference line '{reference.Label}' needs a finite y, got {reference.Y}", nameof(reference));
            var line = plot.Add.HorizontalLine(reference.Y, 2, Colors.Black, LinePattern.Dashed);
            line.LegendText = reference.Label;
            // The label sits just below the line at the right end: NLL curves approach a lower bound from above.
            double right = series.SelectMany(s => s.X).Where(double.IsFinite).DefaultIfEmpty(0).Max();
            var label = plot.Add.Text(reference.Label, right, reference.Y);
            label.Alignment = Alignment.UpperRight;
            label.LabelBackgroundColor = Colors.White.WithAlpha(0.8);
            label.LabelFontSize = FigureStyle.TickSize;
            label.OffsetY = 4;
        }
        plot.ShowLegend(Alignment.UpperRight);
        return Figure.Single(plot, width, height);
    }
}
