extern alias viewer;
using System.Diagnostics;
using FlowLive.Cli.Viewing;
using viewer::FlowLive.Viewer;
using viewer::FlowLive.Viewer.Engine;
using viewer::FlowLive.Viewer.Graphics;
using viewer::FlowLive.Viewer.Platform;
using viewer::FlowLive.Viewer.Scenes;

namespace FlowLive.Cli.Bench;

/// <summary>
/// The viewer's frame rate where it matters: the flow-steps scene animating N points, drawn offscreen through this
/// machine's GL (llvmpipe here) exactly as a window draws it, minus the swap. Also the frame times while the Trace is
/// still streaming in (network work must not stall drawing) and the time from starting to the first frame with
/// points on it.
/// </summary>
public static class ViewerBenchmark
{
    public sealed record Figures(int Points, string Renderer, bool CpuSplatting, double FirstFrameSeconds,
        double StreamingP99Milliseconds, int StreamingFrames, double FramesPerSecond, double P99Milliseconds);

    const int Width = 1280, Height = 720;

    public static async Task<Figures> Run(int points, TimeSpan budget)
    {
        var started = Stopwatch.StartNew();
        await using var server = LocalServer.Start();
        using var link = new viewer::FlowLive.Viewer.Client.ServerLink([server.Address]);
        using var app = ViewerProgram.CreateApp(link, new ViewerOptions { Servers = [server.Address], Points = points, Model = "two_moons-realnvp" });
        app.Context.Settings.ShowDensity = false;
        return Measure(app, points, budget, started);
    }

    // GL belongs to one thread: everything from here on is synchronous.
    // Every frame's time is kept (not the overlay's last few seconds), so a stall early in a long run still counts.
    static Figures Measure(ViewerApp app, int points, TimeSpan budget, Stopwatch started)
    {
        using var context = new HeadlessContext(Width, Height);
        using var renderer = new GlRenderer2D(context);
        var scene = (FlowStepsScene)app.Scene;
        var streaming = new List<double>();
        double firstFrame = double.NaN;
        // Streaming lasts until the scene is ready: the trace complete and, for big ones, put in spatial order.
        while (!scene.Ready)
        {
            if (started.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"the trace of {points:N0} points did not arrive: {app.Context.Message}");
            var frame = Stopwatch.StartNew();
            app.Tick(1, 1.0 / 120);
            app.Draw(renderer, 1);
            renderer.Finish();
            if (double.IsNaN(firstFrame) && scene.Trace is { Received: > 0 }) firstFrame = started.Elapsed.TotalSeconds;
            streaming.Add(frame.Elapsed.TotalSeconds);
        }
        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        var timestep = new FixedTimestep();
        double last = 0;
        while (clock.Elapsed < budget)
        {
            double now = clock.Elapsed.TotalSeconds;
            var (steps, alpha) = timestep.Advance(now - last);
            last = now;
            app.Tick(steps, timestep.StepSeconds);
            app.Draw(renderer, alpha);
            renderer.Finish();
            times.Add(clock.Elapsed.TotalSeconds - now);
        }
        bool cpu = renderer.IsSoftware;
        return new Figures(points, renderer.RendererName, cpu, firstFrame, 1000 * P99(streaming), streaming.Count,
            times.Count == 0 ? 0 : times.Count / times.Sum(), 1000 * P99(times));
    }

    static double P99(List<double> seconds) => Percentiles.NearestRank(seconds.Order().ToList(), 0.99);
}
