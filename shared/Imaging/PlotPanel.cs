namespace FlowLive.Imaging;

/// <summary>
/// A square panel that maps a 2-D data window onto pixels: scatter plots of points and heatmaps of a function,
/// with a title. Used for headless renders of 2-D flows (the demo, tests and the viewer's PNG export).
/// </summary>
public sealed class PlotPanel(int size, double extent)
{
    public const int TitleHeight = 14;
    static readonly Rgb Background = new(250, 250, 250);
    static readonly Rgb Ink = new(40, 40, 40);

    public int Size { get; } = size;
    /// <summary>The window is [-extent, extent]^2.</summary>
    public double Extent { get; } = extent;

    public Canvas Scatter(string title, ReadOnlySpan<float> xy, Rgb colour) => Scatter(title, xy, _ => colour);

    /// <summary>Scatter plot of [x, y] pairs, point i drawn in <paramref name="colourOf"/>(i).</summary>
    public Canvas Scatter(string title, ReadOnlySpan<float> xy, Func<int, Rgb> colourOf)
    {
        var canvas = Blank(title);
        for (int i = 0; i + 1 < xy.Length; i += 2)
        {
            var (px, py) = ToPixel(xy[i], xy[i + 1]);
            var colour = colourOf(i / 2);
            // A 2x2 dot with some transparency, so dense regions read as darker.
            for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++)
                    canvas.Blend(px + dx, py + dy + TitleHeight, colour, 0.35);
        }
        canvas.Frame(0, TitleHeight, Size, Size, Ink);
        return canvas;
    }

    /// <summary>Heatmap of <paramref name="values"/> (row-major, <paramref name="resolution"/>^2, first row at the top) scaled to [min, max].</summary>
    public Canvas Heatmap(string title, ReadOnlySpan<float> values, int resolution)
    {
        if (values.Length != resolution * resolution)
            throw new ArgumentException($"heatmap needs {resolution * resolution} values, got {values.Length}", nameof(values));
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in values) { if (float.IsFinite(v)) { min = Math.Min(min, v); max = Math.Max(max, v); } }
        double span = max > min ? max - min : 1;
        var canvas = Blank(title);
        for (int py = 0; py < Size; py++)
            for (int px = 0; px < Size; px++)
            {
                int row = py * resolution / Size, column = px * resolution / Size;
                canvas[px, py + TitleHeight] = Colormap.Viridis((values[row * resolution + column] - min) / span);
            }
        canvas.Frame(0, TitleHeight, Size, Size, Ink);
        return canvas;
    }

    /// <summary>The data-space centres of a resolution x resolution grid, row-major from the top-left, as [x, y] pairs.</summary>
    public float[] GridCentres(int resolution)
    {
        var grid = new float[resolution * resolution * 2];
        for (int row = 0; row < resolution; row++)
            for (int column = 0; column < resolution; column++)
            {
                int i = (row * resolution + column) * 2;
                grid[i] = (float)(-Extent + (column + 0.5) * 2 * Extent / resolution);
                grid[i + 1] = (float)(Extent - (row + 0.5) * 2 * Extent / resolution);
            }
        return grid;
    }

    (int X, int Y) ToPixel(double x, double y) =>
        ((int)Math.Floor((x + Extent) / (2 * Extent) * Size), (int)Math.Floor((Extent - y) / (2 * Extent) * Size));

    Canvas Blank(string title)
    {
        var canvas = new Canvas(Size, Size + TitleHeight, Background);
        canvas.Text(Math.Max(1, (Size - PixelFont.Width(title)) / 2), 3, title, Ink);
        return canvas;
    }
}
