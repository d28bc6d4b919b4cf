using ScottPlot;

namespace FlowLive.Figures;

/// <summary>A bar chart of a few named results with each value written on its bar, e.g. test -ELBO of three VAE priors.</summary>
public static class BarFigures
{
    public static Figure Render(IReadOnlyList<string> labels, IReadOnlyList<double> values, string title, string yLabel,
        string valueFormat = "0.00", int width = FigureStyle.PanelWidth, int height = FigureStyle.PanelHeight)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(values);
        FigureStyle.CheckSize(width, height);
        if (labels.Count == 0 || labels.Count != values.Count)
            throw new ArgumentException($"a bar chart needs one label per value and at least one bar, got {labels.Count} labels and {values.Count} values", nameof(values));
        for (int i = 0; i < values.Count; i++)
            if (!double.IsFinite(values[i])) throw new ArgumentException($"bar '{labels[i]}' has no finite value ({values[i]})", nameof(values));

        var plot = FigureStyle.NewPlot(title, "", yLabel);
        var bars = values.Select((v, i) => new Bar
        {
            Position = i,
            Value = v,
            FillColor = FigureStyle.SeriesColour(i),
            Label = v.ToString(valueFormat, System.Globalization.CultureInfo.InvariantCulture),
        }).ToArray();
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = FigureStyle.LabelSize;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray(), labels.ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = FigureStyle.LabelSize;
        plot.HideGrid();
        // Room above the tallest bar (below the lowest, for negative values) for its value label.
        double top = Math.Max(0, values.Max()), bottom = Math.Min(0, values.Min()), pad = (top - bottom) * 0.12 + 1e-9;
        plot.Axes.SetLimitsY(bottom < 0 ? bottom - pad : 0, top + pad);
        return Figure.Single(plot, width, height);
    }
}
