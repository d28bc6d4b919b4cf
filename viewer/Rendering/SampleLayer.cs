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
            splatted = (view, samples);
        }
        renderer.DrawImage(image, new RectangleF(0, 0, image.Width, image.Height), smooth: false);
    }
}
