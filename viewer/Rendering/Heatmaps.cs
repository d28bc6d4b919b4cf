using FlowLive.Imaging;
using FlowLive.Viewer.Graphics;

namespace FlowLive.Viewer.Rendering;

/// <summary>
/// Log-density grids as images: viridis over the top <see cref="Range"/> nats below the highest density (lower
/// densities fade out), so the shape of the mass shows rather than the far tails. Grids arrive row 0 at the top, as
/// images are stored, so no flipping is needed.
/// </summary>
public static class Heatmaps
{
    /// <summary>Nats of log-density shown below the maximum.</summary>
    public const float Range = 10f;

    public static void Paint(ReadOnlySpan<float> logDensity, float top, RgbaImage target)
    {
        var pixels = target.Pixels;
        for (int i = 0; i < logDensity.Length && 4 * i < pixels.Length; i++)
        {
            float t = (logDensity[i] - (top - Range)) / Range;
            var c = Colormap.Viridis(t);
            pixels[4 * i] = c.R;
            pixels[4 * i + 1] = c.G;
            pixels[4 * i + 2] = c.B;
            pixels[4 * i + 3] = (byte)(255 * Math.Clamp(t * 1.5f, 0.15f, 1f));
        }
        target.Touch();
    }

    /// <summary>The highest finite value (cells with no mass travel as float.MinValue).</summary>
    public static float Top(ReadOnlySpan<float> logDensity)
    {
        float top = float.MinValue;
        foreach (var v in logDensity) if (float.IsFinite(v) && v > top) top = v;
        return top;
    }

    /// <summary>Blends two painted images (a layer's and the next one's) by <paramref name="t"/> into <paramref name="target"/>.</summary>
    public static void Blend(RgbaImage a, RgbaImage b, float t, RgbaImage target)
    {
        var (pa, pb, pt) = (a.Pixels, b.Pixels, target.Pixels);
        for (int i = 0; i < pt.Length; i++) pt[i] = (byte)(pa[i] + (pb[i] - pa[i]) * t);
        target.Touch();
    }
}
