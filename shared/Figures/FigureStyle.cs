using ScottPlot;

namespace FlowLive.Figures;

/// <summary>The look shared by every figure: sizes readable on a slide, one sans-serif font, viridis for densities.</summary>
public static class FigureStyle
{
    /// <summary>One panel's default size in pixels: readable on a slide.</summary>
    public const int PanelWidth = 800;
    public const int PanelHeight = 600;

    internal const float TitleSize = 22;
    internal const float LabelSize = 18;
    internal const float TickSize = 14;
    internal const float LegendSize = 15;

    /// <summary>Debian's fonts-dejavu-core; when absent ScottPlot falls back to whatever font it finds.</summary>
    const string Font = "DejaVu Sans";

    static readonly bool FontInstalled = SkiaSharp.SKFontManager.Default.FontFamilies.Contains(Font);

    internal static readonly IColormap DensityColormap = new ScottPlot.Colormaps.Viridis();

    /// <summary>Series colours (Tableau 10, matplotlib's default cycle), so curves look the same in every figure.</summary>
    internal static readonly Color[] Series =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"),
        Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];

    internal static Color SeriesColour(int i) => Series[i % Series.Length];

    /// <summary>The colour of series (or bar) <paramref name="i"/>, for callers matching a legend or checking pixels.</summary>
    public static (byte R, byte G, byte B) SeriesRgb(int i) { var c = SeriesColour(i); return (c.R, c.G, c.B); }

    /// <summary>A new plot with the title, axis labels and font sizes of every FlowLive figure.</summary>
    internal static Plot NewPlot(string title, string xLabel, string yLabel, float scale = 1)
    {
        var plot = new Plot();
        if (FontInstalled) plot.Font.Set(Font);
        plot.Title(title, TitleSize * scale);
        plot.XLabel(xLabel, LabelSize * scale);
        plot.YLabel(yLabel, LabelSize * scale);
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickSize * scale;
        plot.Axes.Left.TickLabelStyle.FontSize = TickSize * scale;
        plot.Legend.FontSize = LegendSize * scale;
        return plot;
    }

    internal static void CheckSize(int width, int height)
    {
        if (width < 16 || height < 16) throw new ArgumentOutOfRangeException(nameof(width), $"a figure must be at least 16x16 pixels, got {width}x{height}");
    }
}
