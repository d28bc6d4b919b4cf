extern alias viewer;
using FlowLive.Cli.Commands;
using viewer::FlowLive.Viewer;
using viewer::FlowLive.Viewer.Platform;

namespace FlowLive.Cli.Viewing;

/// <summary>
/// The demo's second half: the server on the bundled models and the viewer on it, in a window when there is a
/// display, else (said plainly) the flow-steps animation rendered headless to a GIF, so the demo never fails for want
/// of a screen.
/// </summary>
public static class DemoViewer
{
    public static int Show(TextWriter output, string model, string folder, bool windowWanted)
    {
        // One server for either path: a window that fails to open falls back to rendering on the same one.
        var local = LocalServer.Start();
        try
        {
            if (windowWanted && GlfwWindow.HasDisplay && OpenWindow(output, model, local.Address)) return 0;
            if (windowWanted && !GlfwWindow.HasDisplay)
                output.WriteLine("flowlive: no display (DISPLAY is not set), so no viewer window: rendering its animation to a GIF instead");
            string animation = Path.Combine(folder, "flow-steps");
            var options = new ViewerOptions { Servers = [local.Address], Model = model, Points = 20_000, Width = 640, Height = 480 };
            try
            {
                RenderCommand.Render(output, options, animation, fps: 15, frames: null, TimeSpan.FromSeconds(60));
            }
            catch (InvalidOperationException e)
            {
                // Headless GL missing too: the PNG figure above is the demo's picture; say what the animation needs.
                output.WriteLine($"flowlive: no animation either: {e.Message}");
            }
            output.WriteLine($"next: ./flowlive view (with a display), ./flowlive serve, or ./flowlive report models/{model}.flow --out {folder}");
            return 0;
        }
        finally
        {
            local.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The viewer in a window until it is closed; false (said) when no window can be opened.</summary>
    static bool OpenWindow(TextWriter output, string model, string address)
    {
        try
        {
            output.WriteLine($"flowlive: the server runs on {address}; opening the viewer (H for help, Esc to quit)");
            using var signals = new StopSignals();
            ViewerProgram.Window(new ViewerOptions { Servers = [address], Model = model }, cancellation: signals.Token);
            return true;
        }
        catch (WindowUnavailableException e)
        {
            output.WriteLine($"flowlive: no window ({e.Message}); rendering the animation instead");
            return false;
        }
    }
}
