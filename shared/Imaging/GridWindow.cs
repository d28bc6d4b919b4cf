namespace FlowLive.Imaging;

/// <summary>
/// A rectangle [XMin, XMax] x [YMin, YMax] of the data plane cut into Columns x Rows equal cells. Cells are numbered
/// row-major from the top-left, as an image is: row 0 is the top (largest y), column 0 the left (smallest x).
/// Values on the grid are taken at cell centres, so sum(p(centre) * CellArea) is the midpoint rule for the integral of p.
/// </summary>
public sealed record GridWindow
{
    public GridWindow(double xMin, double xMax, double yMin, double yMax, int columns, int rows)
    {
        if (!(double.IsFinite(xMin) && double.IsFinite(xMax) && xMax > xMin))
            throw new ArgumentOutOfRangeException(nameof(xMax), $"grid x bounds must be finite with xMin < xMax, got [{xMin}, {xMax}]");
        if (!(double.IsFinite(yMin) && double.IsFinite(yMax) && yMax > yMin))
            throw new ArgumentOutOfRangeException(nameof(yMax), $"grid y bounds must be finite with yMin < yMax, got [{yMin}, {yMax}]");
        if (columns < 1 || rows < 1)
            throw new ArgumentOutOfRangeException(nameof(columns), $"a grid needs at least 1x1 cells, got {columns}x{rows}");
        (XMin, XMax, YMin, YMax, Columns, Rows) = (xMin, xMax, yMin, yMax, columns, rows);
    }

    /// <summary>
    /// The window around 2-D <paramref name="points"/> [n, 2]: from the <paramref name="tail"/> to the 1 - tail quantile
    /// of each coordinate (so a few outliers do not shrink the picture), padded by 15% of the extent on every side; with
    /// <paramref name="samePadding"/>, by 15% of the larger extent on both axes.
    /// </summary>
    public static GridWindow Around(TorchSharp.torch.Tensor points, int resolution, double tail, bool samePadding = false)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var values = points.to(TorchSharp.torch.float64).cpu();
        var low = values.quantile(tail, 0);
        var high = values.quantile(1 - tail, 0);
        double x0 = low[0].item<double>(), x1 = high[0].item<double>(), y0 = low[1].item<double>(), y1 = high[1].item<double>();
        double padX = 0.15 * (x1 - x0) + 1e-3, padY = 0.15 * (y1 - y0) + 1e-3;
        if (samePadding) padX = padY = 0.15 * Math.Max(x1 - x0, y1 - y0);
        return new GridWindow(x0 - padX, x1 + padX, y0 - padY, y1 + padY, resolution, resolution);
    }

    /// <summary>The square [-extent, extent]^2 at resolution x resolution cells (the demo's window).</summary>
    public static GridWindow Square(double extent, int resolution) => new(-extent, extent, -extent, extent, resolution, resolution);

    public double XMin { get; }
    public double XMax { get; }
    public double YMin { get; }
    public double YMax { get; }
    public int Columns { get; }
    public int Rows { get; }

    public int CellCount => Columns * Rows;
    public double CellWidth => (XMax - XMin) / Columns;
    public double CellHeight => (YMax - YMin) / Rows;
    public double CellArea => CellWidth * CellHeight;

    public double XCentre(int column) => XMin + (column + 0.5) * CellWidth;
    public double YCentre(int row) => YMax - (row + 0.5) * CellHeight;

    /// <summary>Cell centres [x, y] of cells <paramref name="first"/> .. first + count - 1 (row-major), as interleaved pairs.</summary>
    public float[] Centres(int first, int count)
    {
        if (first < 0 || count < 0 || first + count > CellCount)
            throw new ArgumentOutOfRangeException(nameof(count), $"cells {first}..{first + count - 1} are outside a grid of {CellCount}");
        var xy = new float[2 * count];
        for (int i = 0; i < count; i++)
        {
            int cell = first + i;
            xy[2 * i] = (float)XCentre(cell % Columns);
            xy[2 * i + 1] = (float)YCentre(cell / Columns);
        }
        return xy;
    }

    /// <summary>Every cell centre, row-major from the top-left.</summary>
    public float[] Centres() => Centres(0, CellCount);
}
