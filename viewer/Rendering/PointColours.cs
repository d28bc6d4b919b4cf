using FlowLive.Imaging;
using FlowLive.Viewer.Client;
using FlowLive.Viewer.Graphics;

namespace FlowLive.Viewer.Rendering;

/// <summary>What colours the points of the flow-steps cloud (C cycles).</summary>
public enum ColourMode
{
    /// <summary>Where each point started in the base (hue by angle, darker to the centre): follow regions through the flow.</summary>
    BaseAngle,

    /// <summary>The next layer's log|det| at the point: red where it stretches space, blue where it squeezes.</summary>
    VolumeChange,

    /// <summary>The point's log-density under the layers so far (viridis).</summary>
    LogDensity,
}

/// <summary>Colours for a trace's points by <see cref="ColourMode"/>, at one layer.</summary>
public static class PointColours
{
    public static Rgba[] For(FlowTrace trace, ColourMode mode, int layer, Rgba[] reuse)
    {
        if (mode == ColourMode.BaseAngle || trace.LogDet is null || trace.LogProb is null) return trace.Colours;
        var colours = reuse.Length == trace.Total ? reuse : new Rgba[trace.Total];
        int n = trace.Received;
        if (mode == ColourMode.VolumeChange)
        {
            var logDet = trace.LogDet[Math.Clamp(layer + 1, 1, trace.LayerCount)];
            for (int i = 0; i < n; i++) colours[i] = Diverging(logDet[i] / 2f);
            return colours;
        }
        var logProb = trace.LogProb[Math.Clamp(layer, 0, trace.LayerCount)];
        float top = float.MinValue;
        for (int i = 0; i < n; i++) top = Math.Max(top, logProb[i]);
        for (int i = 0; i < n; i++)
        {
            var c = Colormap.Viridis((logProb[i] - (top - 8)) / 8);
            colours[i] = new Rgba(c.R, c.G, c.B);
        }
        return colours;
    }

    /// <summary>Blue (-1) through light grey (0) to red (+1), clamped.</summary>
    public static Rgba Diverging(float v)
    {
        v = Math.Clamp(v, -1, 1);
        var grey = new Rgb(215, 215, 215);
        var end = v < 0 ? new Rgb(40, 90, 230) : new Rgb(230, 50, 40);
        var c = Rgb.Lerp(grey, end, Math.Abs(v));
        return new Rgba(c.R, c.G, c.B);
    }
}
