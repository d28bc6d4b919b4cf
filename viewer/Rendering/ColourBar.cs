using FlowLive.Viewer.Graphics;

namespace FlowLive.Viewer.Rendering;

/// <summary>A heatmap legend's bar: its colour map drawn top (1) to bottom (0) in bands; the scenes label it.</summary>
public static class ColourBar
{
    private const int Bands = 32;

    /// <param name="colourAt">The colour at a position from 0 (the bottom) to 1 (the top).</param>
    public static void Fill(IRenderer2D renderer, RectangleF bar, Func<float, Rgba> colourAt)
    {
        for (int i = 0; i < Bands; i++)
            renderer.FillRectangle(new RectangleF(bar.X, bar.Y + bar.Height * i / Bands, bar.Width, bar.Height / Bands + 1),
                colourAt(1 - (i + 0.5f) / Bands));
    }
}
