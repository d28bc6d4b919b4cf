extern alias viewer;
using FlowLive.Protos.V1;
using FlowLive.Tests.Server;
using Grpc.Core;
using viewer::FlowLive.Viewer.Engine;
using viewer::FlowLive.Viewer.Scenes;
using WireTensors = FlowLive.Tests.Server.WireTensors;

namespace FlowLive.Tests.Viewer.Scenes;

/// <summary>The interpolation scene's morphs, judged by the pixels of the canvas it draws.</summary>
public sealed class InterpolationSceneTests
{
    const int Side = 28, Zoom = 4, Pad = 6;

    /// <summary>The largest difference, in grey levels, between pair <paramref name="pair"/>'s morph on the canvas and digit <paramref name="digit"/>.</summary>
    static int MorphAgainst(RecordingRenderer renderer, int pair, List<float> examples, int digit)
    {
        var canvas = renderer.Images.Single().Image;
        int worst = 0;
        for (int y = 0; y < Side * Zoom; y++)
            for (int x = 0; x < Side * Zoom; x++)
            {
                int expected = (int)(255 * Math.Clamp(examples[digit * Side * Side + (y / Zoom) * Side + x / Zoom], 0, 1));
                worst = Math.Max(worst, Math.Abs(canvas[pair * (Side * Zoom + Pad) + x, y].G - expected));
            }
        return worst;
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Each_morph_starts_on_one_real_digit_and_arrives_at_the_other(bool linear)
    {
        await using var server = await RunningServer.InMemory();
        var examples = await TestDigits.Of(server, 8);
        using var driven = await AppDriver.Start(server, a => a.Scene is InterpolationScene { Ready: true }, "the paths",
            scene: SceneCatalog.IndexOf("interpolation"), model: "realnvp-mnist", seconds: 60, stepSeconds: 0);
        var app = driven.App;
        var scene = (InterpolationScene)app.Scene;
        if (linear)
        {
            app.Command(ViewerCommand.Interpolation);
            await AppDriver.Until(app, () => scene.Ready, "the linear paths", seconds: 60, stepSeconds: 0);
            Assert.Equal(InterpolationKind.Linear, scene.Kind);
        }

        var renderer = new RecordingRenderer(1280, 720);
        app.Draw(renderer, 1); // clock 0: every morph rests on its first digit
        for (int pair = 0; pair < 4; pair++) Assert.InRange(MorphAgainst(renderer, pair, examples, 2 * pair), 0, 2);

        app.Tick(250, 0.01); // 2.5 s: the far end of the ping-pong, every morph on its second digit
        app.Draw(renderer, 1);
        for (int pair = 0; pair < 4; pair++) Assert.InRange(MorphAgainst(renderer, pair, examples, 2 * pair + 1), 0, 2);

        app.Tick(125, 0.01); // on the way back: between the two, like neither
        app.Draw(renderer, 1);
        Assert.True(MorphAgainst(renderer, 0, examples, 0) > 40 && MorphAgainst(renderer, 0, examples, 1) > 40, "mid-path the morph is neither digit");
    }

    [SkippableFact]
    public async Task Linear_and_spherical_paths_share_their_ends_and_part_in_between()
    {
        await using var server = await RunningServer.InMemory();
        await TestDigits.Of(server, 8);
        using var driven = await AppDriver.Start(server, a => a.Scene is InterpolationScene { Ready: true }, "the paths",
            scene: SceneCatalog.IndexOf("interpolation"), model: "realnvp-mnist", seconds: 60, stepSeconds: 0);
        var scene = (InterpolationScene)driven.App.Scene;
        var spherical = scene.Paths![0];
        driven.App.Command(ViewerCommand.Interpolation);
        await AppDriver.Until(driven.App, () => scene.Ready, "the linear paths", seconds: 60, stepSeconds: 0);
        var linear = scene.Paths![0];
        Assert.Equal(spherical[0], linear[0], (a, b) => Math.Abs(a - b) < 2e-3f);
        Assert.Equal(spherical[^1], linear[^1], (a, b) => Math.Abs(a - b) < 2e-3f);
        double apart = spherical[12].Zip(linear[12], (a, b) => Math.Abs(a - b)).Max();
        Assert.True(apart > 0.05, $"the paths' middles differ by at most {apart:0.000}");
    }
}
