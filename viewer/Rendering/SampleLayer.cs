using FlowLive.Viewer.Graphics;

namespace FlowLive.Viewer.Rendering;

/// <summary>
/// A model's samples as white dots over a plot, splatted on the CPU into a frame-sized image. The picture changes only
/// with the view (pan, zoom), the frame size or the samples, so it is splatted again only then: a splat clears and
/// resolves an accumulator per pixel and its image is uploaded again, where an unchanged image costs nothing to draw.
/// </summary>
public sealed class SampleLayer
{
    private readonly PointSplatter splatter = new();
    private RgbaImage? image;
    private Rgba[] white = [];
    private (ViewTransform View, PointStates Samples)? splatted;

    /// <summary>The samples shown (null: none).</summary>
    public PointStates? Samples { get; set; }

    public void Draw(IRenderer2D renderer, in ViewTransform view)
    {
        if (Samples is not { } samples) return;
        if (image is null || image.Width != renderer.Width || image.Height != renderer.Height)
        {
            image = new RgbaImage(renderer.Width, renderer.Height);
            splatted = null;
        }
        if (splatted != (view, samples))
        {
            if (white.Length != samples.Count) white = Enumerable.Repeat(Rgba.White, samples.Count).ToArray();
            splatter.Splat(samples, samples, 0, white, samples.Count, view, image, footprint: 2);
            ClearOutside(view.Viewport);
            splatted = (view, samples);
        }
        renderer.DrawImage(image, new RectangleF(0, 0, image.Width, image.Height), smooth: false);
    }

    /// <summary>Samples far out in the tails land beyond the plot (over the legend, the curves, the status line): not drawn.</summary>
    private void ClearOutside(RectangleF plot)
    {
        var pixels = image!.Pixels;
        int x0 = Math.Clamp((int)plot.X, 0, image.Width), x1 = Math.Clamp((int)MathF.Ceiling(plot.Right), 0, image.Width);
        int y0 = Math.Clamp((int)plot.Y, 0, image.Height), y1 = Math.Clamp((int)MathF.Ceiling(plot.Bottom), 0, image.Height);
        for (int y = 0; y < image.Height; y++)
        {
            var row = pixels.AsSpan(4 * y * image.Width, 4 * image.Width);
            if (y < y0 || y >= y1) row.Clear();
            else
            {
                row[..(4 * x0)].Clear();
                row[(4 * x1)..].Clear();
            }
        }
    }
}
