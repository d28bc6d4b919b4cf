extern alias viewer;
using System.Numerics;
using FlowLive.Protos.V1;
using FlowLive.Tests.Server;
using FlowLive.Tests.Viewer.Graphics;
using Grpc.Core;
using viewer::FlowLive.Viewer.Engine;
using viewer::FlowLive.Viewer.Graphics;
using viewer::FlowLive.Viewer.Scenes;
using WireTensors = FlowLive.Tests.Server.WireTensors;

namespace FlowLive.Tests.Viewer.Scenes;

/// <summary>Scenes rendered through real GL (EGL, offscreen) and judged by their pixels.</summary>
public sealed class HeadlessRenderTests
{
    const int Width = 480, Height = 400;
    static readonly Rgba Background = new(18, 20, 28);

    /// <summary>The viewer on <paramref name="model"/> in <paramref name="scene"/>, everything asked for received, the animations at their start.</summary>
    static Task<DrivenApp> App(RunningServer server, int scene, string model, Func<ViewerApp, bool> ready) =>
        AppDriver.Start(server, a => a.Model is not null && a.Scene.Ready && ready(a), "the scene to be ready", scene, model, seconds: 60, stepSeconds: 0);

    /// <summary>Inked pixels inside the plot (below the status line, above the scrub bar).</summary>
    static List<(int X, int Y)> PlotInk(RgbaImage frame) =>
        Pixels.Ink(frame, Background, tolerance: 40).Where(p => p.Y > 45 && p.Y < Height - 45).ToList();

    static async Task<double> MeanLogDensity(RunningServer server, string model, IEnumerable<Vector2> points)
    {
        var list = points.Take(4000).ToList();
        var values = list.SelectMany(p => new[] { p.X, p.Y }).ToArray();
        var response = await server.Models.LogProbAsync(new LogProbRequest { Model = model, Points = WireTensors.Of(values, list.Count, 2) });
        return WireTensors.Values(response.LogProb).Average();
    }

    [SkippableFact]
    public async Task Flow_steps_start_as_a_round_gaussian_blob_and_end_with_the_ink_on_the_models_density()
    {
        HeadlessGl.SkipUnlessAvailable();
        await using var server = await RunningServer.InMemory();
        using var driven = await App(server, 0, "two_moons-realnvp", _ => true);
        var app = driven.App;
        var scene = (FlowStepsScene)app.Scene;
        app.Context.Settings.ShowDensity = false;
        // GL contexts belong to one thread: everything GL happens between Open and Dispose, with no await between.
        var (first, last) = Frames(app, scene);
        var origin = scene.LastView.ToPixels(Vector2.Zero);
        double cx = first.Average(p => p.X), cy = first.Average(p => p.Y);
        Assert.InRange(cx, origin.X - 6, origin.X + 6);
        Assert.InRange(cy, origin.Y - 6, origin.Y + 6);
        double sx = Math.Sqrt(first.Average(p => (p.X - cx) * (p.X - cx))), sy = Math.Sqrt(first.Average(p => (p.Y - cy) * (p.Y - cy)));
        Assert.InRange(sx / sy, 0.85, 1.18);

        var view = scene.LastView;
        double atData = await MeanLogDensity(server, "two_moons-realnvp", last.Select(p => view.ToData(new Vector2(p.X + 0.5f, p.Y + 0.5f))));
        double atBase = await MeanLogDensity(server, "two_moons-realnvp", first.Select(p => view.ToData(new Vector2(p.X + 0.5f, p.Y + 0.5f))));
        Assert.True(atData > atBase + 1.5, $"the last frame's ink sits in high density: mean log p {atData:F2} against the first frame's {atBase:F2}");
    }

    static (List<(int X, int Y)> First, List<(int X, int Y)> Last) Frames(ViewerApp app, FlowStepsScene scene)
    {
        using var gl = HeadlessGl.Open(Width, Height);
        scene.Animation.Scrub(0);
        app.Draw(gl.Renderer, 1);
        var first = PlotInk(gl.Renderer.ReadPixels());
        scene.Animation.Scrub(scene.Trace!.LayerCount);
        app.Draw(gl.Renderer, 1);
        return (first, PlotInk(gl.Renderer.ReadPixels()));
    }

    static RgbaImage Frame(ViewerApp app)
    {
        using var gl = HeadlessGl.Open(Width, Height);
        app.Draw(gl.Renderer, 1);
        return gl.Renderer.ReadPixels();
    }

    [SkippableFact]
    public async Task The_density_scenes_colours_follow_the_log_density_grid()
    {
        HeadlessGl.SkipUnlessAvailable();
        await using var server = await RunningServer.InMemory();
        using var driven = await App(server, 1, "two_moons-realnvp", a => ((DensityScene)a.Scene).LogDensity is not null);
        var app = driven.App;
        var scene = (DensityScene)app.Scene;
        var frame = Frame(app);
        var grid = scene.LogDensity!;
        var (x0, x1, y0, y1) = scene.GridWindow;
        int side = (int)Math.Sqrt(grid.Length);
        // Brightness of the heatmap pixel over each cell centre, against the cell's log-density: viridis brightens
        // monotonically, so the correlation over cells must be strongly positive. White sample dots are skipped.
        var pairs = new List<(double LogP, double Brightness)>();
        var view = scene.LastView;
        for (int cell = 0; cell < grid.Length; cell += 7)
        {
            int row = cell / side, column = cell % side;
            var centre = new Vector2(x0 + (column + 0.5f) * (x1 - x0) / side, y1 - (row + 0.5f) * (y1 - y0) / side);
            var p = view.ToPixels(centre);
            if (p.X < 0 || p.Y < 50 || p.X >= Width || p.Y >= Height) continue;
            var c = frame[(int)p.X, (int)p.Y];
            if (c.R > 230 && c.G > 230 && c.B > 230) continue;
            if (grid[cell] < grid.Max() - 10) continue; // below the colour scale everything is the darkest colour
            pairs.Add((grid[cell], 0.3 * c.R + 0.59 * c.G + 0.11 * c.B));
        }
        Assert.True(pairs.Count > 100, $"enough cells on screen ({pairs.Count})");
        Assert.True(Correlation(pairs) > 0.8, $"brightness follows log p (correlation {Correlation(pairs):F2})");
    }

    static double Correlation(List<(double X, double Y)> pairs)
    {
        double mx = pairs.Average(p => p.X), my = pairs.Average(p => p.Y);
        double sxy = pairs.Sum(p => (p.X - mx) * (p.Y - my)), sxx = pairs.Sum(p => (p.X - mx) * (p.X - mx)), syy = pairs.Sum(p => (p.Y - my) * (p.Y - my));
        return sxy / Math.Sqrt(sxx * syy);
    }

    [SkippableFact]
    public async Task An_interpolations_end_frames_are_the_real_digits_it_joins()
    {
        HeadlessGl.SkipUnlessAvailable();
        await using var server = await RunningServer.InMemory();
        var examples = await TestDigits.Of(server, 8);
        using var driven = await App(server, 3, "realnvp-mnist", _ => true);
        var app = driven.App;
        var scene = (InterpolationScene)app.Scene;
        for (int pair = 0; pair < 4; pair++)
        {
            var path = scene.Paths![pair];
            for (int i = 0; i < 784; i += 11)
            {
                Assert.Equal(Math.Clamp(examples[2 * pair * 784 + i], 0, 1), path[0][i], 2e-3f);
                Assert.Equal(Math.Clamp(examples[(2 * pair + 1) * 784 + i], 0, 1), path[^1][i], 2e-3f);
            }
        }
        Assert.True(Pixels.Ink(Frame(app), Background).Count > 2000, "the digits are drawn");
    }
}
