extern alias viewer;
using System.Diagnostics;
using viewer::FlowLive.Viewer.Graphics;
using viewer::FlowLive.Viewer.Platform;
using Rgb = viewer::FlowLive.Imaging.Rgb;

namespace FlowLive.Tests.Viewer.Platform;

/// <summary>
/// Window checks that run in a child process (<see cref="SelfProcess"/>) with DISPLAY pointing at a private Xvfb.
/// Each prints one line per step and returns 0 when all held; any failure throws, which the runtime prints with its
/// stack trace and turns into a non-zero exit code for the test to show.
/// </summary>
internal static class WindowChecks
{
    public const string OpenRenderResizeClose = "window-open-render-resize-close";
    public const string KeyFromXServer = "window-key-from-x-server";
    public const string NoDisplay = "window-no-display";
    public const string WholeApp = "window-whole-app";

    private static readonly Rgb Teal = new(0, 128, 128);
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);

    public static int RunOpenRenderResizeClose()
    {
        using (var window = new GlfwWindow(new WindowOptions("FlowLive window check", 320, 240, VSync: false)))
        using (var renderer = new GlRenderer2D(window))
        {
            Console.WriteLine($"opened: {window.FramebufferSize.Width}x{window.FramebufferSize.Height} on {renderer.RendererName}");
            for (int frame = 0; frame < 3; frame++) RenderAndCheck(window, renderer, $"frame {frame}");

            window.Resize(400, 300);
            Console.WriteLine($"resized: {Until(window, e => e is ResizeEvent(400, 300)).Last()}");
            Require(window.FramebufferSize == (400, 300), $"framebuffer is {window.FramebufferSize} after the resize event");
            RenderAndCheck(window, renderer, "frame after resize");

            // Xvfb's one screen is 1024x768; without a window manager GLFW places the window over it itself.
            Require(window.ToggleFullscreen(), "ToggleFullscreen did not go fullscreen");
            Console.WriteLine($"fullscreen: {Until(window, e => e is ResizeEvent(1024, 768)).Last()}");
            RenderAndCheck(window, renderer, "fullscreen frame");
            Require(!window.ToggleFullscreen(), "ToggleFullscreen did not come back to a window");
            Console.WriteLine($"windowed: {Until(window, e => e is ResizeEvent(400, 300)).Last()}");

            window.Close();
            Require(window.ShouldClose, "ShouldClose is false after Close()");
            window.PollEvents(); // a GLFW error here would be printed to stderr, which the test reads
            Console.WriteLine("closed");
        }
        Console.WriteLine("disposed");
        return 0;
    }

    public static int RunKeyFromXServer()
    {
        using var window = new GlfwWindow(new WindowOptions("FlowLive key check", 200, 150, VSync: false));
        // Without a window manager nothing gives the window the keyboard; XTEST keys go to the focused window.
        window.Focus();
        window.SwapBuffers();
        window.PollEvents();
        XTest.Tap(XTest.KeysymA);
        var keys = Until(window, e => e is KeyEvent { Action: KeyAction.Release }).OfType<KeyEvent>().ToList();
        Require(keys.SequenceEqual([new KeyEvent(Key.A, KeyAction.Press, KeyModifiers.None), new KeyEvent(Key.A, KeyAction.Release, KeyModifiers.None)]),
            $"expected A pressed then released, got [{string.Join(", ", keys)}]");
        Console.WriteLine($"keys: {string.Join(", ", keys)}");
        return 0;
    }

    public static int RunNoDisplay()
    {
        try
        {
            using var window = new GlfwWindow(new WindowOptions());
            Console.WriteLine("opened a window without a display");
            return 1;
        }
        catch (WindowUnavailableException e)
        {
            Console.WriteLine($"unavailable: {e.Message}");
            return 0;
        }
    }

    /// <summary>Draws a teal frame with a white square, reads it back before the swap and checks every pixel.</summary>
    private static void RenderAndCheck(GlfwWindow window, GlRenderer2D renderer, string step)
    {
        window.PollEvents();
        renderer.BeginFrame(Teal);
        renderer.FillRectangle(new RectangleF(10, 10, 20, 20), Rgba.White);
        renderer.EndFrame();
        var frame = renderer.ReadPixels();
        window.SwapBuffers();
        Require((frame.Width, frame.Height) == window.FramebufferSize, $"{step}: read {frame.Width}x{frame.Height}, framebuffer {window.FramebufferSize}");
        for (int y = 0; y < frame.Height; y++)
            for (int x = 0; x < frame.Width; x++)
            {
                var expected = x >= 10 && x < 30 && y >= 10 && y < 30 ? Rgba.White : Rgba.From(Teal);
                Require(frame[x, y] == expected, $"{step}: pixel ({x}, {y}) is {frame[x, y]}, expected {expected}");
            }
        Console.WriteLine($"{step}: {frame.Width}x{frame.Height} as drawn");
    }

    /// <summary>Polls until an event matching <paramref name="last"/> arrives; returns every event up to it.</summary>
    private static List<InputEvent> Until(GlfwWindow window, Func<InputEvent, bool> last)
    {
        var seen = new List<InputEvent>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < EventTimeout)
        {
            window.WaitEvents(0.05);
            foreach (var e in window.DrainInput())
            {
                seen.Add(e);
                if (last(e)) return seen;
            }
        }
        throw new TimeoutException($"the expected event did not arrive within {EventTimeout.TotalSeconds} s; saw: [{string.Join(", ", seen)}]");
    }

    internal static void Require(bool condition, string failure)
    {
        if (!condition) throw new InvalidOperationException(failure);
    }
}
