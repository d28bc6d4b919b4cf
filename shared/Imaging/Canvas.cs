using StbImageWriteSharp;

namespace FlowLive.Imaging;

/// <summary>An RGB image in memory with the few drawing operations FlowLive's headless renders need.</summary>
public sealed class Canvas
{
    readonly byte[] pixels;

    public Canvas(int width, int height, Rgb background)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"canvas must be at least 1x1, got {width}x{height}");
        Width = width;
        Height = height;
        pixels = new byte[width * height * 3];
        Fill(0, 0, width, height, background);
    }

    public int Width { get; }
    public int Height { get; }

    public Rgb this[int x, int y]
    {
        get { int i = (y * Width + x) * 3; return new Rgb(pixels[i], pixels[i + 1], pixels[i + 2]); }
        set
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
            int i = (y * Width + x) * 3;
            pixels[i] = value.R; pixels[i + 1] = value.G; pixels[i + 2] = value.B;
        }
    }

    public void Fill(int x, int y, int width, int height, Rgb colour)
    {
        for (int row = Math.Max(0, y); row < Math.Min(Height, y + height); row++)
            for (int column = Math.Max(0, x); column < Math.Min(Width, x + width); column++)
                this[column, row] = colour;
    }

    /// <summary>Mixes <paramref name="colour"/> into a pixel with weight <paramref name="alpha"/> in [0, 1].</summary>
    public void Blend(int x, int y, Rgb colour, double alpha)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        var old = this[x, y];
        this[x, y] = Rgb.Lerp(old, colour, alpha);
    }

    public void Text(int x, int y, string text, Rgb colour, int scale = 1)
    {
        for (int k = 0; k < text.Length; k++)
            for (int row = 0; row < PixelFont.GlyphHeight; row++)
                for (int column = 0; column < PixelFont.GlyphWidth; column++)
                    if (PixelFont.Pixel(text[k], column, row))
                        Fill(x + (k * PixelFont.Advance + column) * scale, y + row * scale, scale, scale, colour);
    }

    public void Frame(int x, int y, int width, int height, Rgb colour)
    {
        Fill(x, y, width, 1, colour);
        Fill(x, y + height - 1, width, 1, colour);
        Fill(x, y, 1, height, colour);
        Fill(x + width - 1, y, 1, height, colour);
    }

    public void Paste(Canvas source, int x, int y)
    {
        for (int row = 0; row < source.Height; row++)
            for (int column = 0; column < source.Width; column++)
                this[x + column, y + row] = source[column, row];
    }

    public byte[] ToRgbBytes() => (byte[])pixels.Clone();

    public byte[] EncodePng()
    {
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(pixels, Width, Height, ColorComponents.RedGreenBlue, stream);
        return stream.ToArray();
    }

    /// <summary>Writes a PNG atomically (readers never see half a file).</summary>
    public void SavePng(string path) => Models.AtomicFile.Write(path, EncodePng());
}
