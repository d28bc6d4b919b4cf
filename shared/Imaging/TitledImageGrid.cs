namespace FlowLive.Imaging;

/// <summary>
/// An <see cref="ImageGrid"/> with a title above, a label over each column and one left of each row: e.g. ten digits
/// sampled after each of five layers (rows "LAYER 1".."LAYER 5"), or interpolation rows between two latents.
/// Drawn with the built-in pixel font, so no font files are needed.
/// </summary>
public static class TitledImageGrid
{
    const int Gap = 6;
    static readonly Rgb Ink = new(30, 30, 30);

    /// <summary>
    /// <paramref name="values"/> holds rows x columns images of [channels, height, width], row by row; the labels may be
    /// empty (no label strip) or hold one label per row / column. <paramref name="textScale"/> enlarges the font.
    /// </summary>
    public static Canvas Render(ReadOnlySpan<float> values, int rows, int columns, int channels, int height, int width,
        string title, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, int zoom = 3, int textScale = 2)
    {
        if (rows < 1 || columns < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"a grid needs at least 1x1 images, got {rows}x{columns}");
        if (rowLabels.Count != 0 && rowLabels.Count != rows)
            throw new ArgumentException($"{rows} rows need {rows} row labels (or none), got {rowLabels.Count}", nameof(rowLabels));
        if (columnLabels.Count != 0 && columnLabels.Count != columns)
            throw new ArgumentException($"{columns} columns need {columns} column labels (or none), got {columnLabels.Count}", nameof(columnLabels));
        if (textScale < 1) throw new ArgumentOutOfRangeException(nameof(textScale), textScale, "text scale must be at least 1");
        var grid = ImageGrid.Render(values, rows * columns, channels, height, width, columns, zoom);

        int lineHeight = PixelFont.GlyphHeight * textScale;
        int titleHeight = title.Length > 0 ? lineHeight + 2 * Gap : Gap;
        int headerHeight = columnLabels.Count > 0 ? lineHeight + Gap : 0;
        int labelWidth = rowLabels.Count > 0 ? rowLabels.Max(PixelFont.Width) * textScale + 2 * Gap : Gap;
        var canvas = new Canvas(Math.Max(labelWidth + grid.Width + Gap, PixelFont.Width(title) * textScale + 2 * Gap),
            titleHeight + headerHeight + grid.Height + Gap, Rgb.White);

        if (title.Length > 0) canvas.Text(Gap, Gap, title, Rgb.Black, textScale);
        int top = titleHeight + headerHeight;
        canvas.Paste(grid, labelWidth, top);
        // The grid puts a one-pixel border around each (width * zoom + 1)-wide cell.
        int cellWidth = width * zoom + 1, cellHeight = height * zoom + 1;
        for (int c = 0; c < columnLabels.Count; c++)
        {
            int centre = labelWidth + 1 + c * cellWidth + width * zoom / 2;
            canvas.Text(centre - PixelFont.Width(columnLabels[c]) * textScale / 2, titleHeight, columnLabels[c], Ink, textScale);
        }
        for (int r = 0; r < rowLabels.Count; r++)
        {
            int middle = top + 1 + r * cellHeight + (height * zoom - lineHeight) / 2;
            canvas.Text(labelWidth - Gap - PixelFont.Width(rowLabels[r]) * textScale, middle, rowLabels[r], Ink, textScale);
        }
        return canvas;
    }
}
