using System.Numerics;
using FlowLive.Viewer.Graphics;

namespace FlowLive.Viewer.Engine;

/// <summary>
/// The text over every scene, large enough to read from the back of a lecture hall: scene, model and what the scene
/// shows on one line, fps at the right, a fault message when there is one, and the help panel (H or F1) listing
/// every key.
/// </summary>
public sealed class Overlay
{
    /// <summary>Text height for a frame: about a 32nd of its height (30 px on a 1080p projector), never unreadably small.</summary>
    public static float TextHeightFor(int frameHeight) => Math.Clamp(frameHeight / 32f, 12, 30);

    private float textHeight = 22;

    public static readonly (string Keys, string What)[] CommonKeys =
    [
        ("1-6", "scenes: flow steps, density, images, interpolation, live training, compare"), ("Tab / Shift+Tab", "next / previous model"),
        ("S", "screenshot (PNG)"), ("F or F11", "fullscreen"), ("H or F1", "this help"), ("Esc or Q", "quit"),
    ];

    public void Draw(IRenderer2D renderer, ViewerApp app)
    {
        textHeight = TextHeightFor(renderer.Height);
        string status = app.Model is null ? $"connecting to {app.Context.Server.Describe}" : app.Scene.Status;
        string line = $"{app.SceneIndex + 1} {app.Scene.Title} · {status}";
        Panel(renderer, line, new Vector2(10, 8), Rgba.White);
        // Frame rate in the bottom-right corner, out of the way of a long status line.
        string fps = $"{app.FramesPerSecond:0} fps";
        var size = renderer.MeasureText(fps, textHeight * 0.75f);
        renderer.DrawText(fps, new Vector2(renderer.Width - size.X - 10, renderer.Height - size.Y - 6), textHeight * 0.75f, new Rgba(180, 220, 180));
        if (app.Context.Message is { } message)
            Panel(renderer, message, new Vector2(10, 8 + textHeight * 1.6f), new Rgba(255, 170, 120));
        if (app.Context.Settings.ShowHelp) Help(renderer, app);
    }

    private void Panel(IRenderer2D renderer, string text, Vector2 at, Rgba colour)
    {
        var size = renderer.MeasureText(text, textHeight);
        renderer.FillRectangle(new RectangleF(at.X - 6, at.Y - 3, size.X + 12, size.Y + 6), new Rgba(0, 0, 0, 150));
        renderer.DrawText(text, at, textHeight, colour);
    }

    private void Help(IRenderer2D renderer, ViewerApp app)
    {
        var rows = app.Scene.Help.Concat(CommonKeys).ToList();
        float keyWidth = rows.Max(r => renderer.MeasureText(r.Keys, textHeight).X) + 24;
        float width = keyWidth + rows.Max(r => renderer.MeasureText(r.What, textHeight).X) + 40;
        float height = (rows.Count + 1) * textHeight * 1.35f + 20;
        var panel = new RectangleF((renderer.Width - width) / 2, (renderer.Height - height) / 2, width, height);
        renderer.FillRectangle(panel, new Rgba(0, 0, 0, 200));
        float y = panel.Y + 12;
        renderer.DrawText($"{app.Scene.Title}: keys", new Vector2(panel.X + 20, y), textHeight, new Rgba(255, 220, 120));
        foreach (var (keys, what) in rows)
        {
            y += textHeight * 1.35f;
            renderer.DrawText(keys, new Vector2(panel.X + 20, y), textHeight, new Rgba(160, 210, 255));
            renderer.DrawText(what, new Vector2(panel.X + 20 + keyWidth, y), textHeight, Rgba.White);
        }
    }
}
