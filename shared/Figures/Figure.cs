using ScottPlot;

namespace FlowLive.Figures;

/// <summary>
/// A finished figure (one ScottPlot plot, or several panels laid out as a grid) at a fixed pixel size, ready to be
/// written as PNG. Callers never see ScottPlot: they get PNG bytes or a file.
/// </summary>
public sealed class Figure : IDisposable
{
    readonly Multiplot multiplot;

    internal Figure(Multiplot multiplot, int width, int height)
    {
        if (width < 16 || height < 16) throw new ArgumentOutOfRangeException(nameof(width), $"a figure must be at least 16x16 pixels, got {width}x{height}");
        this.multiplot = multiplot;
        Width = width;
        Height = height;
    }

    internal static Figure Single(Plot plot, int width, int height) => new(new Multiplot(plot), width, height);

    public int Width { get; }
    public int Height { get; }
    public int PanelCount => multiplot.Count();

    /// <summary>The PNG encoding of the figure at Width x Height.</summary>
    public byte[] EncodePng()
    {
        using var image = multiplot.Render(Width, Height);
        return image.GetImageBytes(ImageFormat.Png);
    }

    /// <summary>Writes the PNG atomically (readers never see half a file); creates the folder.</summary>
    public void SavePng(string path) => Models.AtomicFile.Write(path, EncodePng());

    /// <summary>
    /// The figure pixel where data point (x, y) of panel <paramref name="panel"/> was drawn, as of the last
    /// <see cref="EncodePng"/>: lets tests and callers find a data location in the image.
    /// </summary>
    public (int X, int Y) PixelOf(double x, double y, int panel = 0)
    {
        var plot = multiplot.GetPlot(panel);
        if (plot.LastRender.Count == 0) throw new InvalidOperationException("the figure has not been rendered yet: call EncodePng first");
        var pixel = plot.GetPixel(new Coordinates(x, y));
        return ((int)Math.Round(pixel.X), (int)Math.Round(pixel.Y));
    }

    public void Dispose()
    {
        foreach (var plot in multiplot.GetPlots()) plot.Dispose();
    }
}
