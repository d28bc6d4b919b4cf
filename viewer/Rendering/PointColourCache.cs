using FlowLive.Viewer.Client;
using FlowLive.Viewer.Graphics;

namespace FlowLive.Viewer.Rendering;

/// <summary>
/// The colours <see cref="PointColours.For"/> gives a trace's points, worked out again only when the trace, the mode, the
/// layer or the points received change (a colour per point per frame was a visible share of a frame).
/// <see cref="Version"/> moves on with every change, so a GPU copy knows when to upload.
/// </summary>
public sealed class PointColourCache
{
    private Rgba[] buffer = [];
    private Rgba[] current = [];
    private (FlowTrace Trace, ColourMode Mode, int Layer, int Received)? key;

    public int Version { get; private set; }

    public Rgba[] For(FlowTrace trace, ColourMode mode, int layer)
    {
        // Base-angle colours are the trace's own, the same at every layer.
        var wanted = (trace, mode, mode == ColourMode.BaseAngle ? 0 : layer, trace.Received);
        if (key == wanted) return current;
        current = PointColours.For(trace, mode, layer, buffer);
        // Never hand the trace's own colours back as the buffer to overwrite.
        if (!ReferenceEquals(current, trace.Colours)) buffer = current;
        key = wanted;
        Version++;
        return current;
    }
}
