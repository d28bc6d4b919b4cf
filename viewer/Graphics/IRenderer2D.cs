using System.Numerics;
using FlowLive.Imaging;

namespace FlowLive.Viewer.Graphics;

/// <summary>
/// Everything a scene draws with, in window pixels (origin top-left, y down), whatever is underneath: a GLFW window or
/// an EGL framebuffer. Scenes never touch GL; the GL implementation lives in <see cref="GlRenderer2D"/>. Calls are
/// made on the render thread between <see cref="BeginFrame"/> and <see cref="EndFrame"/>.
/// </summary>
public interface IRenderer2D
{
    /// <summary>Framebuffer size in pixels.</summary>
    int Width { get; }
    int Height { get; }

    /// <summary>The GL_RENDERER string, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".</summary>
    string RendererName { get; }

    /// <summary>True on software GL (llvmpipe, softpipe, swrast), where points are splatted on the CPU.</summary>
    bool IsSoftware { get; }

    void BeginFrame(Rgb background);
    void EndFrame();

    /// <summary>
    /// Draws a CPU image (RGBA8, row-major from the top-left) stretched over <paramref name="destination"/>; used for
    /// splatted point clouds, density heatmaps and digit grids. <paramref name="smooth"/> picks linear filtering
    /// (heatmaps) or nearest (pixel-exact digits). The image may change every frame (it is re-uploaded when its
    /// <see cref="RgbaImage.Version"/> changes).
    /// </summary>
    void DrawImage(RgbaImage image, RectangleF destination, bool smooth);

    /// <summary>A filled rectangle; alpha blends (overlay panels, bars of a chart).</summary>
    void FillRectangle(RectangleF rectangle, Rgba colour);

    /// <summary>Line segments (pairs of points) or a connected strip, <paramref name="width"/> pixels wide.</summary>
    void DrawLines(ReadOnlySpan<Vector2> points, Rgba colour, float width, LineMode mode);

    /// <summary>
    /// Points on the GPU path: each point's position is interpolated in the vertex shader between two states,
    /// <c>from + t * (to - from)</c>, then mapped to pixels by <paramref name="view"/>. Positions and colours stay on
    /// the GPU between frames (<see cref="PointCloud.Version"/> says when to re-upload). Points are clipped to
    /// <c>view.Viewport</c>, so a zoomed cloud stays inside its panel. An empty <see cref="PointCloud.To"/> means the
    /// points stand still at <see cref="PointCloud.From"/>.
    /// </summary>
    void DrawPoints(PointCloud cloud, float t, in ViewTransform view, float pointSize);

    /// <summary>
    /// Text in a real font rasterised once into an atlas, readable on a projector; top-left at
    /// <paramref name="position"/>. <paramref name="pixelHeight"/> is the height of a line (ascent + descent), so
    /// lines stacked <paramref name="pixelHeight"/> apart never touch; '\n' starts a new line.
    /// </summary>
    void DrawText(string text, Vector2 position, float pixelHeight, Rgba colour);

    /// <summary>Width and height <see cref="DrawText"/> would cover (height = lines x <paramref name="pixelHeight"/>); all its ink lies inside.</summary>
    Vector2 MeasureText(string text, float pixelHeight);

    /// <summary>
    /// The finished frame as RGBA8, top row first (screenshots, headless frames, pixel tests). Call after
    /// <see cref="EndFrame"/> and, in a window, before swapping buffers (after a swap the back buffer is undefined).
    /// </summary>
    RgbaImage ReadPixels();
}

public enum LineMode { Segments, Strip }

/// <summary>A colour with alpha, 0-255 per channel.</summary>
public readonly record struct Rgba(byte R, byte G, byte B, byte A = 255)
{
    public static Rgba From(Rgb c, byte alpha = 255) => new(c.R, c.G, c.B, alpha);
    public static readonly Rgba White = new(255, 255, 255);
    public static readonly Rgba Black = new(0, 0, 0);
}

/// <summary>A rectangle in pixels (x, y of the top-left corner).</summary>
public readonly record struct RectangleF(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;
    public float Bottom => Y + Height;
    public bool Contains(Vector2 p) => p.X >= X && p.X < Right && p.Y >= Y && p.Y < Bottom;
}

/// <summary>
/// Data coordinates to pixels: pixel = (x - centre) * scale + viewport centre, with y flipped (data y up, pixels down).
/// Pan and zoom change <see cref="Centre"/> and <see cref="Scale"/>.
/// </summary>
public readonly record struct ViewTransform(Vector2 Centre, float Scale, RectangleF Viewport)
{
    public Vector2 ToPixels(Vector2 data) =>
        new(Viewport.X + Viewport.Width / 2 + (data.X - Centre.X) * Scale, Viewport.Y + Viewport.Height / 2 - (data.Y - Centre.Y) * Scale);

    /// <summary>The pixels the data rectangle [x0, x1] x [y0, y1] covers (where an image of that window is drawn).</summary>
    public RectangleF ToPixels(float x0, float x1, float y0, float y1)
    {
        var topLeft = ToPixels(new Vector2(x0, y1));
        var bottomRight = ToPixels(new Vector2(x1, y0));
        return new RectangleF(topLeft.X, topLeft.Y, bottomRight.X - topLeft.X, bottomRight.Y - topLeft.Y);
    }

    public Vector2 ToData(Vector2 pixels) =>
        new(Centre.X + (pixels.X - Viewport.X - Viewport.Width / 2) / Scale, Centre.Y - (pixels.Y - Viewport.Y - Viewport.Height / 2) / Scale);

    /// <summary>The transform showing the data rectangle [xMin, xMax] x [yMin, yMax] whole inside <paramref name="viewport"/>.</summary>
    public static ViewTransform Fit(float xMin, float xMax, float yMin, float yMax, RectangleF viewport) =>
        new(new Vector2((xMin + xMax) / 2, (yMin + yMax) / 2),
            Math.Min(viewport.Width / Math.Max(1e-6f, xMax - xMin), viewport.Height / Math.Max(1e-6f, yMax - yMin)), viewport);
}

/// <summary>An RGBA8 image on the CPU, row-major from the top-left; <see cref="Version"/> increments on every change.</summary>
public sealed class RgbaImage(int width, int height)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public byte[] Pixels { get; } = new byte[width * height * 4];
    public int Version { get; private set; }

    /// <summary>Call after changing <see cref="Pixels"/>, so renderers re-upload it.</summary>
    public void Touch() => Version++;

    public Rgba this[int x, int y]
    {
        get { int i = (y * Width + x) * 4; return new Rgba(Pixels[i], Pixels[i + 1], Pixels[i + 2], Pixels[i + 3]); }
        set { int i = (y * Width + x) * 4; (Pixels[i], Pixels[i + 1], Pixels[i + 2], Pixels[i + 3]) = (value.R, value.G, value.B, value.A); }
    }
}

/// <summary>
/// Two states of the same points (2-D, interleaved x, y) and a colour per point, for the GPU point path: the renderer
/// interpolates between <see cref="From"/> and <see cref="To"/>. Replace the arrays and call <see cref="Touch"/>.
/// </summary>
public sealed class PointCloud
{
    public float[] From { get; set; } = [];
    public float[] To { get; set; } = [];
    public Rgba[] Colours { get; set; } = [];
    public int Count => Colours.Length;
    public int Version { get; private set; }
    public void Touch() => Version++;
}
