extern alias viewer;
using FlowLive.Protos.V1;
using FlowLive.Tests.Server;
using WireTensors = FlowLive.Tests.Server.WireTensors;
using Grpc.Core;
using viewer::FlowLive.Viewer;
using viewer::FlowLive.Viewer.Client;
using viewer::FlowLive.Viewer.Engine;
using viewer::FlowLive.Viewer.Graphics;
using viewer::FlowLive.Viewer.Scenes;

namespace FlowLive.Tests.Viewer.Scenes;

/// <summary>The flow-steps scene on one shared in-memory server (no test changes it).</summary>
public sealed class FlowStepsSceneTests(BundledServer bundled) : IClassFixture<BundledServer>
{
    const string Model = "two_moons-realnvp";
    RunningServer Server => bundled.Server;

    /// <summary>The viewer app on the server with <see cref="Model"/>'s whole trace received.</summary>
    Task<DrivenApp> WithTrace() =>
        AppDriver.Start(Server, a => a.Scene is FlowStepsScene { Trace.Complete: true }, "the trace", model: Model);

    static FlowStepsScene Steps(ViewerApp app) => (FlowStepsScene)app.Scene;

    [Fact]
    public async Task The_scene_holds_the_servers_trace_and_its_last_state_is_the_models_samples()
    {
        using var driven = await WithTrace();
        var app = driven.App;
        var trace = Steps(app).Trace!;
        Assert.Equal(20_000, trace.Total);
        Assert.Equal(8, trace.LayerCount);

        var call = Server.Models.Sample(new SampleRequest { Model = Model, Count = 20_000, Seed = 1, Temperature = 1 });
        var expected = new List<float>();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync()) expected.AddRange(WireTensors.Values(chunk.Points));
        var last = trace.States[^1];
        for (int i = 0; i < 20_000; i += 97)
        {
            Assert.Equal(expected[2 * i], last.X[i], 1e-5f);
            Assert.Equal(expected[2 * i + 1], last.Y[i], 1e-5f);
        }
    }

    [Fact]
    public async Task A_big_trace_is_put_in_spatial_order_and_keeps_every_point()
    {
        const int points = 120_000;
        // In the server's order consecutive base samples are about 1.8 apart; in Z-order a few hundredths.
        using var driven = await AppDriver.Start(Server, a => a.Scene is FlowStepsScene { Trace: { Complete: true } t } && Rendering.SpatialOrderTests.MeanStep(t.States[0], Enumerable.Range(0, 5000).ToArray()) < 0.2,
            "the trace in spatial order", model: Model, points: points);
        var trace = Steps(driven.App).Trace!;
        var call = Server.Models.Sample(new SampleRequest { Model = Model, Count = points, Seed = 1, Temperature = 1 });
        var expected = new List<float>();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync()) expected.AddRange(WireTensors.Values(chunk.Points));
        var expectedX = expected.Where((_, i) => i % 2 == 0).Order().ToArray();
        var shownX = trace.States[^1].X.Order().ToArray();
        Assert.Equal(points, shownX.Length);
        for (int i = 0; i < points; i += 37) Assert.Equal(expectedX[i], shownX[i], 1e-4f);
    }

    [Fact]
    public async Task The_first_frame_is_a_centred_round_gaussian_blob_and_the_last_puts_the_ink_on_the_data()
    {
        using var driven = await WithTrace();
        var app = driven.App;
        var renderer = new RecordingRenderer(400, 400);
        app.Context.Settings.ShowDensity = false;

        Steps(app).Animation.Scrub(0);
        app.Draw(renderer, 1);
        var first = InkMoments(renderer.Images[^1].Image);
        var origin = Steps(app).LastView.ToPixels(System.Numerics.Vector2.Zero);
        Assert.InRange(first.CentreX, origin.X - 6, origin.X + 6); // centred on the base's mean
        Assert.InRange(first.CentreY, origin.Y - 6, origin.Y + 6);
        Assert.InRange(first.SpreadX / first.SpreadY, 0.8, 1.25); // radially symmetric: equal spread both ways

        // The last state: most of the ink must sit where the model's density is high. Evaluate log p at the data
        // coordinates of inked pixels (through the same view) and compare with a spread-out Gaussian blob's.
        Steps(app).Animation.Scrub(8);
        app.Draw(renderer, 1);
        var trace = Steps(app).Trace!;
        double lastMean = await MeanLogDensity(Server, trace.States[^1], 2000);
        double firstMean = await MeanLogDensity(Server, trace.States[0], 2000);
        Assert.True(lastMean > firstMean + 1, $"samples at the data sit in higher density ({lastMean:F2}) than base points ({firstMean:F2})");
        var last = InkMoments(renderer.Images[^1].Image);
        Assert.True(last.Inked < first.Inked, "moons are thinner than the Gaussian blob: fewer pixels inked");
    }

    static async Task<double> MeanLogDensity(RunningServer server, viewer::FlowLive.Viewer.Rendering.PointStates states, int n)
    {
        var values = new float[2 * n];
        for (int i = 0; i < n; i++) (values[2 * i], values[2 * i + 1]) = (states.X[i], states.Y[i]);
        var response = await server.Models.LogProbAsync(new LogProbRequest { Model = Model, Points = WireTensors.Of(values, n, 2) });
        return WireTensors.Values(response.LogProb).Average();
    }

    static (double CentreX, double CentreY, double SpreadX, double SpreadY, int Inked) InkMoments(RgbaImage image)
    {
        double sum = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
        int inked = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                double a = image[x, y].A / 255.0;
                if (a == 0) continue;
                inked++;
                (sum, sx, sy, sxx, syy) = (sum + a, sx + a * x, sy + a * y, sxx + a * x * x, syy + a * y * y);
            }
        double cx = sx / sum, cy = sy / sum;
        return (cx, cy, Math.Sqrt(sxx / sum - cx * cx), Math.Sqrt(syy / sum - cy * cy), inked);
    }

    [Fact]
    public async Task An_image_model_is_refused_with_a_message_and_a_2d_model_is_chosen_instead()
    {
        using var driven = await AppDriver.Start(Server, a => a.Model is not null, "a model", model: "realnvp-mnist");
        var app = driven.App;
        Assert.Contains("2-D", app.Context.Message);
        Assert.Equal(2, app.Model!.DataShape[0]);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_and_the_app_keeps_running()
    {
        string[] nowhere = ["127.0.0.1:1"];
        using var driven = AppDriver.Open(new ServerLink(nowhere), new ViewerOptions { Servers = nowhere });
        var app = driven.App;
        app.Command(ViewerCommand.ToggleHelp); // keys before any model reach the app, not the scene it has not entered
        app.Command(ViewerCommand.Resample);
        Assert.True(app.Context.Settings.ShowHelp);
        await AppDriver.Until(app, () => app.Context.Message is not null, "a message", seconds: 20);
        Assert.Contains("unreachable", app.Context.Message);
        var renderer = new RecordingRenderer();
        app.Draw(renderer, 0.5);
        Assert.Contains(renderer.Texts, t => t.Contains("unreachable"));
    }

    [Fact]
    public async Task Clicking_a_point_probes_it_and_its_waterfall_adds_up_to_its_log_density()
    {
        using var driven = await WithTrace();
        var app = driven.App;
        var renderer = new RecordingRenderer(400, 400);
        app.Draw(renderer, 1);
        var view = Steps(app).LastView;
        var target = new System.Numerics.Vector2(1.0f, 0.25f);
        app.Pointer(new PointerClick(view.ToPixels(target)), new System.Numerics.Vector2(400, 400));
        await AppDriver.Until(app, () => Steps(app).Probed is not null, "the probe");
        var probe = Steps(app).Probed!;
        Assert.Equal(target.X, probe.Point.X, 0.02f);
        Assert.Equal(target.Y, probe.Point.Y, 0.02f);
        Assert.Equal(9, probe.Path.Length);
        Assert.Equal(probe.Point.X, probe.Path[^1].X, 1e-5f);
        Assert.Equal(probe.BaseLogDensity + probe.Terms.Sum(), probe.LogDensity, 1e-3f);
        var direct = await Server.Models.LogProbAsync(new LogProbRequest { Model = Model, Points = WireTensors.Of([probe.Point.X, probe.Point.Y], 1, 2) });
        Assert.Equal(WireTensors.Values(direct.LogProb)[0], probe.LogDensity, 1e-3f);
    }

    [Fact]
    public async Task Colour_modes_follow_the_layers_log_dets_and_densities()
    {
        using var driven = await WithTrace();
        var app = driven.App;
        var trace = Steps(app).Trace!;
        Assert.NotNull(trace.LogDet);
        // The waterfall holds for every point: the last state's log-density is the base's minus all log-dets.
        for (int i = 0; i < trace.Total; i += 1013)
        {
            float sum = trace.LogProb![0][i];
            for (int k = 1; k <= trace.LayerCount; k++) sum -= trace.LogDet[k][i];
            Assert.Equal(trace.LogProb[^1][i], sum, 1e-3f);
        }
        var baseAngle = trace.Colours.ToArray();
        var renderer = new RecordingRenderer(400, 400);
        app.Draw(renderer, 1);
        app.Command(ViewerCommand.ToggleColours);
        Assert.Equal(viewer::FlowLive.Viewer.Rendering.ColourMode.VolumeChange, Steps(app).Colours);
        var colours = viewer::FlowLive.Viewer.Rendering.PointColours.For(trace, Steps(app).Colours, 0, []);
        int stretched = Enumerable.Range(0, trace.Total).MaxBy(i => trace.LogDet![1][i]);
        int squeezed = Enumerable.Range(0, trace.Total).MinBy(i => trace.LogDet![1][i]);
        Assert.True(trace.LogDet![1][stretched] > 0 && trace.LogDet[1][squeezed] < 0, "the first layer both stretches and squeezes");
        Assert.True(colours[stretched].R > colours[stretched].B, "stretching is red");
        Assert.True(colours[squeezed].B > colours[squeezed].R, "squeezing is blue");
        // Drawn through every mode and back, the base-angle colours are the trace's own still (they were once overwritten).
        app.Draw(renderer, 1);
        app.Command(ViewerCommand.ToggleColours);
        app.Draw(renderer, 1);
        app.Command(ViewerCommand.ToggleColours);
        app.Draw(renderer, 1);
        Assert.Equal(viewer::FlowLive.Viewer.Rendering.ColourMode.BaseAngle, Steps(app).Colours);
        Assert.Equal(baseAngle, trace.Colours);
    }


    [Fact]
    public async Task On_a_gpu_the_points_go_to_the_vertex_shader_path_with_both_states()
    {
        using var driven = await WithTrace();
        var app = driven.App;
        var gpu = new RecordingRenderer(400, 400, software: false);
        Steps(app).Animation.Scrub(2.5);
        app.Draw(gpu, 1);
        var (cloud, t) = Assert.Single(gpu.Points);
        var trace = Steps(app).Trace!;
        Assert.Equal(trace.Total, cloud.Count);
        Assert.Equal(0.5f, t, 1e-6f); // halfway between layers 2 and 3, eased: smoothstep(0.5) = 0.5
        Assert.Equal(trace.States[2].X[17], cloud.From[34]);
        Assert.Equal(trace.States[3].Y[17], cloud.To[35]);
        Assert.DoesNotContain(gpu.Images, i => i.Image.Width == 400); // no CPU splat on this path
    }

    [Fact]
    public async Task V_shows_each_layers_volume_change_matching_the_servers_log_dets_and_D_turns_it_off()
    {
        using var driven = await WithTrace();
        var app = driven.App;
        app.Command(ViewerCommand.ToggleVolume);
        Assert.False(app.Context.Settings.ShowDensity, "one heatmap at a time");
        await AppDriver.Until(app, () => Steps(app).Volume is not null && app.Scene.Ready, "the volume-change lattice");
        var map = Steps(app).Volume!;

        // At layer k's start the map sits on the layer's inputs: a cell's colour is layer k's log-det there.
        var (x0, x1, y0, y1) = map.Window;
        foreach (int layer in new[] { 1, 4, 8 })
        {
            var inputs = new[] { 0.3f, -0.2f, -1.1f, 0.7f };
            var call = Server.Models.Trace(new TraceRequest { Model = Model, Latents = WireTensors.Of(inputs, 2, 2), IncludeLogDet = true });
            var states = new List<TraceResponse>();
            await foreach (var message in call.ResponseStream.ReadAllAsync()) states.Add(message);
            var before = WireTensors.Values(states.Single(m => m.LayerIndex == layer - 1).State);
            var logDet = WireTensors.Values(states.Single(m => m.LayerIndex == layer).LogDet);
            map.Between(layer - 1, 0);
            for (int p = 0; p < 2; p++)
            {
                int column = (int)((before[2 * p] - x0) / (x1 - x0) * 120), row = (int)((y1 - before[2 * p + 1]) / (y1 - y0) * 120);
                Assert.Equal(logDet[p], map.MeanAt(column, row), 0.1f * map.Scale + 0.02f);
            }
        }

        Steps(app).Animation.Scrub(0.5);
        var renderer = new RecordingRenderer(400, 400);
        app.Draw(renderer, 1);
        Assert.Contains(renderer.Images, i => i.Image.Width == 120); // the map, under the points
        Assert.Contains("log|det|", renderer.Texts);
        Assert.Contains("volume change of layer 1", app.Scene.Status);

        app.Command(ViewerCommand.ToggleDensity);
        Assert.False(app.Context.Settings.ShowVolume);
        app.Draw(renderer, 1);
        Assert.DoesNotContain("log|det|", renderer.Texts);
    }

    [Fact]
    public async Task Past_the_log_det_point_count_C_says_why_the_colours_stay()
    {
        using var driven = await AppDriver.Start(Server, a => a.Scene is FlowStepsScene { Ready: true }, "the trace and grids", model: Model, points: 250_000);
        var app = driven.App;
        app.Command(ViewerCommand.ToggleColours);
        await AppDriver.Until(app, () => app.Context.Message is not null, "the message", stepSeconds: 0);
        Assert.Equal(viewer::FlowLive.Viewer.Rendering.ColourMode.BaseAngle, Steps(app).Colours);
        Assert.Contains("200,000 points", app.Context.Message);
    }
}
