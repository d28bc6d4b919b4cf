using FlowLive.Imaging;

namespace FlowLive.Tests.Imaging;

/// <summary>The labelled image grid: images land in their cells, labels sit beside them, bad label counts are refused.</summary>
public sealed class TitledImageGridTests
{
    [Fact]
    public void Images_land_in_their_cells_with_labels_beside_them()
    {
        const int rows = 2, columns = 3, size = 4, zoom = 3;
        // Image n is a flat grey of n / 5.
        var values = Enumerable.Range(0, rows * columns).SelectMany(n => Enumerable.Repeat(n / 5f, size * size)).ToArray();
        var canvas = TitledImageGrid.Render(values, rows, columns, 1, size, size, "SAMPLES", ["LAYER 1", "LAYER 2"], ["A", "B", "C"], zoom, textScale: 1);
        if (Environment.GetEnvironmentVariable("FLOWLIVE_FIGURE_DIR") is { Length: > 0 } folder)
            canvas.SavePng(Path.Combine(folder, "titled-image-grid.png"));
        var plain = ImageGrid.Render(values, rows * columns, 1, size, size, columns, zoom);
        // Find where the plain grid was pasted: the first pixel of the last cell holds image 5 (white).
        int labelWidth = PixelFont.Width("LAYER 1") + 12, top = PixelFont.GlyphHeight + 12 + PixelFont.GlyphHeight + 6;
        for (int y = 0; y < plain.Height; y++)
            for (int x = 0; x < plain.Width; x++)
                Assert.Equal(plain[x, y], canvas[labelWidth + x, top + y]);
        Assert.Equal(labelWidth + plain.Width + 6, canvas.Width);
        Assert.Equal(top + plain.Height + 6, canvas.Height);
        Assert.True(Ink(canvas, 0, 0, canvas.Width, PixelFont.GlyphHeight + 12) > 20, "the title is drawn");
        Assert.True(Ink(canvas, 0, top, labelWidth, plain.Height) > 40, "the row labels are drawn");
        Assert.True(Ink(canvas, labelWidth, PixelFont.GlyphHeight + 12, plain.Width, PixelFont.GlyphHeight) > 10, "the column labels are drawn");
    }

    [Fact]
    public void Label_counts_must_match_the_grid()
    {
        var values = new float[4 * 9];
        Assert.Throws<ArgumentException>(() => TitledImageGrid.Render(values, 2, 2, 1, 3, 3, "T", ["one"], []));
        Assert.Throws<ArgumentException>(() => TitledImageGrid.Render(values, 2, 2, 1, 3, 3, "T", [], ["a", "b", "c"]));
        var canvas = TitledImageGrid.Render(values, 2, 2, 1, 3, 3, "", [], []);
        Assert.True(canvas.Width > 0);
    }

    static int Ink(Canvas canvas, int x0, int y0, int width, int height)
    {
        int count = 0;
        for (int y = y0; y < y0 + height; y++)
            for (int x = x0; x < x0 + width; x++)
                if (canvas[x, y] != Rgb.White) count++;
        return count;
    }
}
