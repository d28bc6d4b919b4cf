extern alias viewer;
using System.Diagnostics;
using FlowLive.Tests.Server;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using viewer::FlowLive.Viewer;
using viewer::FlowLive.Viewer.Engine;
using viewer::FlowLive.Viewer.Graphics;
using viewer::FlowLive.Viewer.Platform;
using viewer::FlowLive.Viewer.Scenes;

namespace FlowLive.Tests.Viewer.Platform;

/// <summary>
/// The viewer as a user runs it, in a child process on a private Xvfb: the app the viewer program builds, on a server
/// (in memory, the bundled models), in a GLFW window driven by the window's own game loop. Keys typed on the X server
/// act on it: S saves a screenshot, which must show the streamed points; 2 and 1 switch scenes; Q ends the loop.
/// Prints one line per step.
/// </summary>
internal static class WholeAppCheck
{
    private const uint KeysymS = 0x73, KeysymQ = 0x71, Keysym1 = 0x31, Keysym2 = 0x32;
    private const int Points = 20_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<int> Run()
    {
        await using var server = await RunningServer.InMemory();
        using var driven = AppDriver.Open(AppDriver.LinkTo(server), new ViewerOptions { Servers = [server.Address], Scene = 0, Model = "two_moons-realnvp", Points = Points });
        var app = driven.App;
        app.Context.Settings.ShowDensity = false; // the screenshot's ink must be the points, not a heatmap
        var screenshots = Directory.CreateTempSubdirectory("flowlive-whole-app").FullName;
        try
        {
            using var window = new GlfwWindow(new WindowOptions("FlowLive whole-app check", 640, 480, VSync: false));
            using var renderer = new GlRenderer2D(window);
            var loop = new WindowLoop(window, renderer, app, screenshots);
            window.Focus(); // no window manager gives it the keyboard
            var scene = (FlowStepsScene)app.Scene;

            int frames = Frames(loop, () => scene.Trace is { Complete: true }, "the trace to arrive");
            Console.WriteLine($"trace: {scene.Trace!.Received:N0} points in {frames} frames");
            WindowChecks.Require(scene.Trace.Received == Points, $"the trace holds {scene.Trace.Received} points, expected {Points}");

            XTest.Tap(KeysymS);
            Frames(loop, () => Directory.GetFiles(screenshots, "*.png").Length > 0, "the screenshot S asks for");
            string shot = Directory.GetFiles(screenshots, "*.png").Single();
            using (var image = Image.Load<Rgba32>(shot))
            {
                WindowChecks.Require((image.Width, image.Height) == window.FramebufferSize, $"screenshot is {image.Width}x{image.Height}, window {window.FramebufferSize}");
                int inked = Inked(image);
                // 20,000 points over a 640x480 plot cover thousands of pixels; a frame without them has none but text.
                WindowChecks.Require(inked > 2_000, $"the screenshot has {inked} pixels unlike the background: the points are not on it");
                Console.WriteLine($"screenshot: {image.Width}x{image.Height}, {inked:N0} pixels unlike the background");
            }

            XTest.Tap(Keysym2);
            Frames(loop, () => app.Scene is DensityScene, "the density scene 2 asks for");
            XTest.Tap(Keysym1);
            Frames(loop, () => app.Scene is FlowStepsScene, "the flow-steps scene 1 asks for");
            Console.WriteLine("scenes: 2 switched to density, 1 back to flow steps");

            XTest.Tap(KeysymQ);
            var clock = Stopwatch.StartNew();
            loop.Run(maxFrames: 100_000);
            WindowChecks.Require(app.QuitRequested, "the loop ended without Q having asked it to");
            WindowChecks.Require(clock.Elapsed < Timeout, "Q took too long to end the loop");
            Console.WriteLine($"quit: the loop ended on Q ({loop.Times.FramesPerSecond:F0} fps at the end)");
        }
        finally
        {
            Directory.Delete(screenshots, recursive: true);
        }
        Console.WriteLine("closed");
        return 0;
    }

    /// <summary>Runs the window's loop a frame at a time until <paramref name="done"/> holds; the number of frames it took.</summary>
    private static int Frames(WindowLoop loop, Func<bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        int frames = 0;
        while (!done())
        {
            if (clock.Elapsed > Timeout) throw new TimeoutException($"{what} did not happen within {Timeout.TotalSeconds} s ({frames} frames)");
            loop.Run(maxFrames: 1);
            frames++;
        }
        return frames;
    }

    /// <summary>Pixels of the plot (the top two thirds, away from the overlay's text) unlike the background colour at its corner.</summary>
    private static int Inked(Image<Rgba32> image)
    {
        var background = image[image.Width / 2, 2];
        int inked = 0;
        for (int y = image.Height / 6; y < image.Height * 2 / 3; y++)
            for (int x = image.Width / 6; x < image.Width * 5 / 6; x++)
            {
                var p = image[x, y];
                if (Math.Abs(p.R - background.R) + Math.Abs(p.G - background.G) + Math.Abs(p.B - background.B) > 60) inked++;
            }
        return inked;
    }
}
