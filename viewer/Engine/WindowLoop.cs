using System.Diagnostics;
using System.Numerics;
using FlowLive.Viewer.Graphics;
using FlowLive.Viewer.Headless;
using FlowLive.Viewer.Platform;

namespace FlowLive.Viewer.Engine;

/// <summary>
/// The game loop of the window: poll input, route it, advance the fixed steps, draw interpolated, save a screenshot
/// when asked, swap. GL is touched only here, on the thread that made the window; network results arrive through
/// the app's message queue, drained at the start of each frame's tick.
/// </summary>
public sealed class WindowLoop(GlfwWindow window, GlRenderer2D renderer, ViewerApp app, string screenshotDirectory)
{
    private readonly FixedTimestep timestep = new();
    private readonly InputRouter router = new();

    /// <summary>Frame times of the last few seconds (the fps shown).</summary>
    public FrameTimes Times { get; } = new();

    /// <summary>Runs until the window closes or the user quits; <paramref name="maxFrames"/> stops early (smoke tests).</summary>
    public void Run(int? maxFrames = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        double last = 0;
        int frames = 0;
        while (!window.ShouldClose && !app.QuitRequested && !cancellation.IsCancellationRequested && (maxFrames is null || frames < maxFrames))
        {
            window.PollEvents();
            var size = new Vector2(window.Width, window.Height);
            router.Route(window.DrainInput(), app, size);
            if (app.FullscreenRequested)
            {
                window.ToggleFullscreen();
                app.FullscreenRequested = false;
            }
            double now = clock.Elapsed.TotalSeconds;
            var (steps, alpha) = timestep.Advance(now - last);
            last = now;
            app.Tick(steps, timestep.StepSeconds);
            app.Draw(renderer, alpha);
            if (app.ScreenshotRequested)
            {
                app.ScreenshotRequested = false;
                app.Context.Report($"screenshot: {Screenshots.Save(renderer.ReadPixels(), screenshotDirectory)}");
            }
            window.SwapBuffers();
            Times.Add(clock.Elapsed.TotalSeconds - now);
            app.FramesPerSecond = Times.FramesPerSecond;
            frames++;
        }
    }
}

/// <summary>A rolling window of frame durations: the fps the overlay shows.</summary>
public sealed class FrameTimes
{
    private readonly Queue<double> recent = new();
    private double sum;

    public void Add(double seconds)
    {
        recent.Enqueue(seconds);
        sum += seconds;
        while (recent.Count > 240) sum -= recent.Dequeue();
    }

    public double FramesPerSecond => recent.Count == 0 || sum <= 0 ? 0 : recent.Count / sum;
}
