extern alias viewer;
using System.Numerics;
using viewer::FlowLive.Viewer.Graphics;
using Rgb = viewer::FlowLive.Imaging.Rgb;

namespace FlowLive.Tests.Viewer.Graphics;

/// <summary>What each drawing call puts in the framebuffer, read back through EGL on llvmpipe (or any Mesa driver).</summary>
public class GlRenderer2DTests
{
    private static readonly Rgb Navy = new(12, 34, 56);
    private static readonly Rgba NavyPixel = Rgba.From(Navy);

    [SkippableFact]
    public void BeginFrameClearsEveryPixelToTheBackground()
    {
        using var gl = HeadlessGl.Open(40, 30);
        var frame = gl.Frame(Navy, _ => { });

        Assert.Equal((40, 30), (frame.Width, frame.Height));
        Assert.Empty(Pixels.Ink(frame, NavyPixel, tolerance: 0));
    }

    [SkippableFact]
    public void DrawImageStretchesEachSourcePixelOverItsBlockTopLeftFirst()
    {
        using var gl = HeadlessGl.Open(64, 64);
        var image = new RgbaImage(4, 4);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
                image[x, y] = new Rgba((byte)(40 + 60 * x), (byte)(40 + 60 * y), (byte)(x == 0 && y == 0 ? 255 : 0));

        var frame = gl.Frame(Rgb.Black, r => r.DrawImage(image, new RectangleF(0, 0, 64, 64), smooth: false));

        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
                Assert.True(frame[x, y] == image[x / 16, y / 16], $"pixel ({x}, {y}) is {frame[x, y]}, the image's ({x / 16}, {y / 16}) is {image[x / 16, y / 16]}");
        Assert.Equal(new Rgba(40, 40, 255), frame[0, 0]); // the image's top-left is the window's top-left
    }

    [SkippableFact]
    public void DrawImageReuploadsOnlyWhenTheImageIsTouched()
    {
        using var gl = HeadlessGl.Open(8, 8);
        var image = new RgbaImage(1, 1) { [0, 0] = new Rgba(255, 0, 0) };
        var whole = new RectangleF(0, 0, 8, 8);
        Assert.Equal(new Rgba(255, 0, 0), gl.Frame(Rgb.Black, r => r.DrawImage(image, whole, false))[4, 4]);

        image[0, 0] = new Rgba(0, 255, 0);
        Assert.Equal(new Rgba(255, 0, 0), gl.Frame(Rgb.Black, r => r.DrawImage(image, whole, false))[4, 4]);

        image.Touch();
        Assert.Equal(new Rgba(0, 255, 0), gl.Frame(Rgb.Black, r => r.DrawImage(image, whole, false))[4, 4]);
    }

    [SkippableFact]
    public void FillRectangleBlendsItsAlphaOverTheBackgroundInsideOnly()
    {
        using var gl = HeadlessGl.Open(32, 32);
        var background = new Rgb(200, 100, 0);
        var frame = gl.Frame(background, r => r.FillRectangle(new RectangleF(8, 4, 16, 10), new Rgba(0, 0, 255, 128)));

        double a = 128 / 255.0;
        var blended = new Rgba((byte)Math.Round(200 * (1 - a)), (byte)Math.Round(100 * (1 - a)), (byte)Math.Round(255 * a), 255);
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
            {
                bool inside = x >= 8 && x < 24 && y >= 4 && y < 14;
                var expected = inside ? blended : Rgba.From(background);
                Assert.True(Pixels.Distance(frame[x, y], expected) <= 1, $"pixel ({x}, {y}) is {frame[x, y]}, expected {expected}");
            }
    }

    [SkippableFact]
    public void AHorizontalLineInksItsRowsAndNothingElse()
    {
        using var gl = HeadlessGl.Open(64, 40);
        Vector2[] line = [new(10, 20.5f), new(50, 20.5f)];
        var frame = gl.Frame(Navy, r => r.DrawLines(line, Rgba.White, 3, LineMode.Segments));

        var ink = Pixels.Ink(frame, NavyPixel);
        Assert.Equal(40 * 3, ink.Count);
        Assert.All(ink, p => Assert.True(p.Y >= 19 && p.Y <= 21 && p.X >= 10 && p.X < 50, $"ink at {p}"));
        Assert.Equal(Rgba.White, frame[30, 20]);
    }

    [SkippableFact]
    public void AStripTurningACornerHasNoGapAtTheJoint()
    {
        using var gl = HeadlessGl.Open(64, 64);
        Vector2[] corner = [new(10.5f, 10.5f), new(40.5f, 10.5f), new(40.5f, 50.5f)];
        var frame = gl.Frame(Navy, r => r.DrawLines(corner, Rgba.White, 5, LineMode.Strip));

        // The mitred corner fills the outer square around the turn (a segment-per-quad line would leave it empty).
        for (int y = 8; y <= 12; y++)
            for (int x = 38; x <= 42; x++)
                Assert.Equal(Rgba.White, frame[x, y]);
        Assert.Equal(Rgba.White, frame[25, 10]);
        Assert.Equal(Rgba.White, frame[40, 30]);
        Assert.Equal(NavyPixel, frame[25, 30]);
    }

    [SkippableFact]
    public void PointsSitAtTheirFromStateAtTZeroAndTheirToStateAtTOne()
    {
        using var gl = HeadlessGl.Open(64, 64);
        var view = ViewTransform.Fit(-1, 1, -1, 1, new RectangleF(0, 0, 64, 64));
        var red = new Rgba(255, 0, 0);
        var green = new Rgba(0, 255, 0);
        var cloud = new PointCloud { From = [-0.5f, 0.5f, 0.5f, 0.5f], To = [0.5f, -0.5f, -0.5f, -0.5f], Colours = [red, green] };

        var atStart = gl.Frame(Rgb.Black, r => r.DrawPoints(cloud, 0, view, 6));
        var atEnd = gl.Frame(Rgb.Black, r => r.DrawPoints(cloud, 1, view, 6));
        var halfway = gl.Frame(Rgb.Black, r => r.DrawPoints(cloud, 0.5f, view, 6));

        // Data (±0.5, ±0.5) is pixel (16 or 48, 16 or 48): data y up, pixels down.
        Assert.Equal(red, atStart[16, 16]);
        Assert.Equal(green, atStart[48, 16]);
        Assert.Equal(red, atEnd[48, 48]);
        Assert.Equal(green, atEnd[16, 48]);
        Assert.Equal(Pixels.Ink(atStart, Rgba.Black).Count, Pixels.Ink(atEnd, Rgba.Black).Count);
        Assert.All(Pixels.Ink(atStart, Rgba.Black), p => Assert.True(p.Y < 24, $"ink at {p} at t = 0"));
        Assert.All(Pixels.Ink(atEnd, Rgba.Black), p => Assert.True(p.Y > 40, $"ink at {p} at t = 1"));
        // Both points pass through the centre at t = 0.5 (the second drawn on top).
        Assert.Equal(green, halfway[32, 32]);
        Assert.True(Pixels.Ink(atStart, Rgba.Black).Count is > 2 * 16 and < 2 * 36, "two round points of diameter 6");
    }

    [SkippableFact]
    public void PointsOutsideTheViewportAreClipped()
    {
        using var gl = HeadlessGl.Open(64, 32);
        var leftPanel = new RectangleF(0, 0, 32, 32);
        var view = ViewTransform.Fit(-1, 1, -1, 1, leftPanel);
        var cloud = new PointCloud { From = [0.9f, 0, 1.1f, 0, 3f, 0], Colours = [Rgba.White, Rgba.White, Rgba.White] };

        var frame = gl.Frame(Rgb.Black, r => r.DrawPoints(cloud, 0, view, 8));

        var ink = Pixels.Ink(frame, Rgba.Black);
        Assert.NotEmpty(ink);
        Assert.All(ink, p => Assert.True(p.X < 32, $"ink at {p}, outside the view's viewport"));
    }

    [SkippableFact]
    public void MismatchedPointArraysAreRejectedNamingTheArray()
    {
        using var gl = HeadlessGl.Open(8, 8);
        var cloud = new PointCloud { From = [0, 0, 1], Colours = [Rgba.White, Rgba.White] };
        var view = ViewTransform.Fit(-1, 1, -1, 1, new RectangleF(0, 0, 8, 8));

        gl.Renderer.BeginFrame(Rgb.Black);
        var error = Assert.Throws<ArgumentException>(() => gl.Renderer.DrawPoints(cloud, 0, view, 2));
        gl.Renderer.EndFrame();
        Assert.Contains("PointCloud.From holds 3 floats; 4 expected", error.Message);
    }

    [SkippableFact]
    public void TextInksInsideTheBoxMeasureTextGivesAndNowhereElse()
    {
        using var gl = HeadlessGl.Open(240, 60);
        const string text = "Hello, θ → μ ± σ (fjy)";
        var at = new Vector2(12, 14);
        var size = gl.Renderer.MeasureText(text, 24);
        var frame = gl.Frame(Navy, r => r.DrawText(text, at, 24, Rgba.White));

        Assert.Equal(24, size.Y);
        Assert.InRange(size.X, 150, 228);
        var ink = Pixels.Ink(frame, NavyPixel);
        Assert.True(ink.Count > 400, $"only {ink.Count} pixels of ink: text not drawn?");
        var box = new RectangleF(at.X, at.Y, size.X, size.Y);
        Assert.All(ink, p => Assert.True(box.Contains(new Vector2(p.X + 0.5f, p.Y + 0.5f)), $"ink at {p}, outside {box}"));
        // Ink reaches the box's far end (the text is as wide as measured), and stems are (nearly) the full colour.
        Assert.Contains(ink, p => p.X > box.Right - 6);
        Assert.Contains(ink, p => Pixels.Distance(frame[p.X, p.Y], Rgba.White) <= 24);
    }

    [SkippableFact]
    public void RendererKnowsItsGlRenderer()
    {
        using var gl = HeadlessGl.Open(8, 8);

        Assert.False(string.IsNullOrWhiteSpace(gl.Renderer.RendererName));
        Assert.Equal(SoftwareRenderers.IsSoftware(gl.Renderer.RendererName), gl.Renderer.IsSoftware);
    }

    [SkippableFact]
    public void DrawingOutsideAFrameIsAnError()
    {
        using var gl = HeadlessGl.Open(8, 8);

        var error = Assert.Throws<InvalidOperationException>(() => gl.Renderer.FillRectangle(new RectangleF(0, 0, 1, 1), Rgba.White));
        Assert.Contains("FillRectangle outside BeginFrame/EndFrame", error.Message);
    }

    [SkippableFact]
    public void AResizedHeadlessContextRendersAtItsNewSize()
    {
        using var gl = HeadlessGl.Open(16, 16);
        gl.Context.Resize(30, 10);

        var frame = gl.Frame(Navy, r => r.FillRectangle(new RectangleF(20, 0, 10, 10), Rgba.White));

        Assert.Equal((30, 10), (gl.Renderer.Width, gl.Renderer.Height));
        Assert.Equal((30, 10), (frame.Width, frame.Height));
        Assert.Equal(Rgba.White, frame[29, 9]);
        Assert.Equal(NavyPixel, frame[19, 9]);
    }
}
