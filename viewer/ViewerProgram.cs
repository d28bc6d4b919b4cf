using FlowLive.Viewer.Client;
using FlowLive.Viewer.Engine;
using FlowLive.Viewer.Graphics;
using FlowLive.Viewer.Headless;
using FlowLive.Viewer.Platform;
using FlowLive.Viewer.Scenes;

namespace FlowLive.Viewer;

/// <summary>
/// The viewer's two ways to run: a window (GLFW, needs a display) or headless frames (EGL, no display), both over the
/// same app and scenes. The CLI's `view`, `render` and `demo` commands call these.
/// </summary>
public static class ViewerProgram
{
    /// <summary>The standalone process: `flowlive-viewer [ADDRESS ...]` (default 127.0.0.1:50051).</summary>
    public static int Run(string[] args)
    {
        try
        {
            Window(new ViewerOptions { Servers = args.Length > 0 ? args : ["127.0.0.1:50051"] });
            return 0;
        }
        catch (WindowUnavailableException e)
        {
            Console.Error.WriteLine($"flowlive-viewer: {e.Message}");
            return 1;
        }
    }

    /// <summary>Opens the window and runs until it closes; throws <see cref="WindowUnavailableException"/> without a display.</summary>
    public static void Window(ViewerOptions options, int? maxFrames = null, CancellationToken cancellation = default)
    {
        using var link = new ServerLink(options.Servers);
        using var app = CreateApp(link, options);
        using var window = new GlfwWindow(new WindowOptions("FlowLive", options.Width, options.Height, VSync: true, options.Fullscreen));
        using var renderer = new GlRenderer2D(window);
        new WindowLoop(window, renderer, app, options.ScreenshotDirectory).Run(maxFrames, cancellation);
    }

    /// <summary>Renders a scene offscreen to PNG frames and a GIF in <paramref name="directory"/>.</summary>
    public static HeadlessSession.Result Render(ViewerOptions options, string directory, double framesPerSecond, int? frames, TimeSpan timeout,
        int gifEvery = 2, CancellationToken cancellation = default)
    {
        using var link = new ServerLink(options.Servers);
        using var app = CreateApp(link, options);
        app.Context.Settings.TrainIfIdle = true; // a render of live training is a render of a training run
        using var context = new HeadlessContext(options.Width, options.Height);
        using var renderer = new GlRenderer2D(context);
        using var recorder = new FrameRecorder(directory, framesPerSecond, gifEvery);
        return HeadlessSession.Record(app, renderer, recorder, framesPerSecond, frames, timeout, cancellation);
    }

    public static ViewerApp CreateApp(ServerLink link, ViewerOptions options)
    {
        var settings = new ViewerSettings
        {
            Points = options.Points, PointsPath = options.PointsPath,
            ShowDensity = options.Heatmap == Heatmap.Density, ShowVolume = options.Heatmap == Heatmap.Volume,
        };
        return new ViewerApp(new ViewerContext(link, new MessageQueue(), settings), SceneCatalog.Create(), options.Scene, options.Model);
    }
}
