using System.Numerics;
using FlowLive.Viewer.Graphics;

namespace FlowLive.Viewer.Engine;

/// <summary>
/// The user's pan and zoom on top of a fitted view: drag moves the picture with the mouse, the wheel zooms about the
/// cursor (the point under it stays put), R resets.
/// </summary>
public sealed class PanZoom
{
    public Vector2 Offset { get; private set; }
    public float Zoom { get; private set; } = 1;

    public ViewTransform Apply(ViewTransform fitted) => fitted with { Centre = fitted.Centre + Offset, Scale = fitted.Scale * Zoom };

    public void Handle(PointerInput input, ViewTransform fitted)
    {
        var view = Apply(fitted);
        switch (input)
        {
            case PointerDrag drag:
                Offset += view.ToData(drag.From) - view.ToData(drag.To);
                break;
            case PointerZoom zoom:
                var before = view.ToData(zoom.At);
                Zoom = Math.Clamp(Zoom * zoom.Factor, 0.05f, 200f);
                var after = Apply(fitted).ToData(zoom.At);
                Offset += before - after;
                break;
        }
    }

    public void Reset()
    {
        Offset = Vector2.Zero;
        Zoom = 1;
    }
}
