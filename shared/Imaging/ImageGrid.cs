namespace FlowLive.Imaging;

/// <summary>Lays out a batch of small images (grey or RGB, values in [0, 1]) as a grid, e.g. flow samples of digits.</summary>
public static class ImageGrid
{
    /// <summary>
    /// <paramref name="values"/> holds <paramref name="count"/> images of [channels, height, width], row-major;
    /// each cell is scaled up by <paramref name="zoom"/> and separated by one background pixel.
    /// </summary>
    public static Canvas Render(ReadOnlySpan<float> values, int count, int channels, int height, int width, int columns, int zoom = 2)
    {
        if (channels != 1 && channels != 3) throw new ArgumentException($"images need 1 or 3 channels, got {channels}", nameof(channels));
        if (values.Length != count * channels * height * width)
            throw new ArgumentException($"expected {count}x{channels}x{height}x{width} values, got {values.Length}", nameof(values));
        columns = Math.Clamp(columns, 1, Math.Max(1, count));
        int rows = (count + columns - 1) / columns;
        int cellWidth = width * zoom + 1, cellHeight = height * zoom + 1;
        var canvas = new Canvas(columns * cellWidth + 1, rows * cellHeight + 1, new Rgb(60, 60, 60));
        int plane = height * width;
        for (int n = 0; n < count; n++)
        {
            int left = 1 + n % columns * cellWidth, top = 1 + n / columns * cellHeight;
            var image = values.Slice(n * channels * plane, channels * plane);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    var colour = channels == 1
                        ? Grey(image[y * width + x])
                        : new Rgb(Byte(image[y * width + x]), Byte(image[plane + y * width + x]), Byte(image[2 * plane + y * width + x]));
                    canvas.Fill(left + x * zoom, top + y * zoom, zoom, zoom, colour);
                }
        }
        return canvas;
    }

    static Rgb Grey(float v) { byte b = Byte(v); return new Rgb(b, b, b); }
    static byte Byte(float v) => (byte)Math.Round(Math.Clamp(float.IsNaN(v) ? 0 : v, 0f, 1f) * 255);
}
