using SkiaSharp;

namespace FlowLive.Tests.Imaging;

/// <summary>A decoded PNG for pixel assertions: checks the bytes are a real PNG and reads colours back.</summary>
public sealed class PngImage
{
    readonly SKColor[] pixels;

    public PngImage(byte[] png)
    {
        Assert.True(png.Length > 8 && png[0] == 0x89 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', "not a PNG signature");
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Width = bitmap.Width;
        Height = bitmap.Height;
        pixels = bitmap.Pixels;
    }

    public int Width { get; }
    public int Height { get; }

    public (byte R, byte G, byte B) this[int x, int y] { get { var c = pixels[y * Width + x]; return (c.Red, c.Green, c.Blue); } }

    public int DistinctColours => pixels.Select(c => (c.Red, c.Green, c.Blue)).Distinct().Count();

    /// <summary>Pixels within <paramref name="tolerance"/> (per channel) of a colour.</summary>
    public int CountNear(byte r, byte g, byte b, int tolerance = 12) =>
        pixels.Count(c => Math.Abs(c.Red - r) <= tolerance && Math.Abs(c.Green - g) <= tolerance && Math.Abs(c.Blue - b) <= tolerance);

    /// <summary>Largest per-channel difference between two colours.</summary>
    public static int Distance((byte R, byte G, byte B) a, (byte R, byte G, byte B) b) =>
        Math.Max(Math.Abs(a.R - b.R), Math.Max(Math.Abs(a.G - b.G), Math.Abs(a.B - b.B)));

    /// <summary>Asserts the size and that the image is a picture, not a blank or a flat fill.</summary>
    public static PngImage AssertPicture(byte[] png, int width, int height, int minColours = 40)
    {
        var image = new PngImage(png);
        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        Assert.True(image.DistinctColours >= minColours, $"only {image.DistinctColours} distinct colours: the image is (nearly) blank");
        return image;
    }
}
