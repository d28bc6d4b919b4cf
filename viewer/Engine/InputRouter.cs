using System.Numerics;
using FlowLive.Viewer.Platform;

namespace FlowLive.Viewer.Engine;

/// <summary>
/// Turns the window's raw input into what the app understands: key presses (and repeats, for stepping) into
/// commands, a left press and release without movement into a click, a press and movement into drags, the wheel into
/// zoom about the cursor.
/// </summary>
public sealed class InputRouter
{
    private const float ClickTolerance = 4;
    private Vector2? pressedAt;
    private Vector2 last;
    private bool dragging;

    public void Route(IEnumerable<InputEvent> events, ViewerApp app, Vector2 size)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case KeyEvent { Action: KeyAction.Press or KeyAction.Repeat } key when KeyMap.Command(key.Key, key.Modifiers) is { } command:
                    app.Command(command);
                    break;
                case MouseButtonEvent { Button: MouseButton.Left, Action: KeyAction.Press } press:
                    pressedAt = last = new Vector2((float)press.X, (float)press.Y);
                    dragging = false;
                    break;
                case MouseButtonEvent { Button: MouseButton.Left, Action: KeyAction.Release } release:
                    var at = new Vector2((float)release.X, (float)release.Y);
                    if (pressedAt is { } start && !dragging && Vector2.Distance(start, at) <= ClickTolerance)
                        app.Pointer(new PointerClick(at), size);
                    pressedAt = null;
                    break;
                case MouseMoveEvent move:
                    var now = new Vector2((float)move.X, (float)move.Y);
                    if (pressedAt is { } origin && (dragging || Vector2.Distance(origin, now) > ClickTolerance))
                    {
                        dragging = true;
                        app.Pointer(new PointerDrag(last, now), size);
                    }
                    last = now;
                    break;
                case ScrollEvent scroll when scroll.DY != 0:
                    app.Pointer(new PointerZoom(new Vector2((float)scroll.X, (float)scroll.Y), MathF.Pow(1.15f, (float)scroll.DY)), size);
                    break;
            }
        }
    }
}
