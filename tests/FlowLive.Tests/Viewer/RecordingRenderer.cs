extern alias viewer;
using System.Numerics;
using viewer::FlowLive.Viewer.Graphics;

namespace FlowLive.Tests.Viewer;

/// <summary>
/// An <see cref="IRenderer2D"/> without GL that remembers what was drawn, so scenes can be tested anywhere: the CPU
/// images they hand over (splatted points, heatmaps) are the pixels a window would show.
/// </summary>
public sealed class RecordingRenderer(int width = 640, int height = 480, bool software = true) : IRenderer2D
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public string RendererName => software ? "recording (software)" : "recording (gpu)";
    public bool IsSoftware => software;
    public List<(RgbaImage Image, RectangleF Destination)> Images { get; } = [];
    public List<string> Texts { get; } = [];
    public List<(PointCloud Cloud, float T)> Points { get; } = [];

    public void BeginFrame(viewer::FlowLive.Imaging.Rgb background)
    {
        Images.Clear();
        Texts.Clear();
        Points.Clear();
    }

    public void EndFrame() { }
    public void DrawImage(RgbaImage image, RectangleF destination, bool smooth) => Images.Add((image, destination));
    public void FillRectangle(RectangleF rectangle, Rgba colour) { }
    public void DrawLines(ReadOnlySpan<Vector2> points, Rgba colour, float width, LineMode mode) { }
    public void DrawPoints(PointCloud cloud, float t, in ViewTransform view, float pointSize) => Points.Add((cloud, t));
    public void DrawText(string text, Vector2 position, float pixelHeight, Rgba colour) => Texts.Add(text);
    public Vector2 MeasureText(string text, float pixelHeight) => new(text.Length * pixelHeight * 0.55f, pixelHeight);
    public RgbaImage ReadPixels() => throw new NotSupportedException("a recording renderer has no framebuffer");
}
