extern alias viewer;
using System.Numerics;
using FlowLive.Tests.Server;
using viewer::FlowLive.Viewer.Engine;
using viewer::FlowLive.Viewer.Platform;
using viewer::FlowLive.Viewer.Scenes;

namespace FlowLive.Tests.Viewer.Engine;

public sealed class InputRoutingTests
{
    [Fact]
    public void Every_command_has_a_key_and_number_keys_pick_scenes()
    {
        var bound = Enum.GetValues<Key>().SelectMany(k => new[] { KeyMap.Command(k, KeyModifiers.None), KeyMap.Command(k, KeyModifiers.Shift) })
            .OfType<ViewerCommand>().ToHashSet();
        foreach (var command in Enum.GetValues<ViewerCommand>()) Assert.Contains(command, bound);
        Assert.Equal(ViewerCommand.Scene2, KeyMap.Command(Key.D2, KeyModifiers.None));
        Assert.Equal(ViewerCommand.PreviousModel, KeyMap.Command(Key.Tab, KeyModifiers.Shift));
        Assert.Null(KeyMap.Command(Key.Unknown, KeyModifiers.None));
    }

    [Fact]
    public async Task Keys_switch_scenes_and_the_mouse_pans_zooms_and_clicks()
    {
        await using var server = await RunningServer.InMemory();
        using var driven = await AppDriver.Start(server, a => a.Scene is FlowStepsScene { Trace.Complete: true }, "the trace",
            model: "two_moons-realnvp", points: 5_000);
        var app = driven.App;
        var router = new InputRouter();
        var size = new Vector2(640, 480);
        app.Draw(new RecordingRenderer(640, 480), 1);
        var steps = (FlowStepsScene)app.Scene;
        var before = steps.LastView;

        router.Route([new MouseButtonEvent(MouseButton.Left, KeyAction.Press, 300, 200), new MouseMoveEvent(340, 200),
            new MouseMoveEvent(380, 200), new MouseButtonEvent(MouseButton.Left, KeyAction.Release, 380, 200)], app, size);
        app.Draw(new RecordingRenderer(640, 480), 1);
        Assert.True(steps.LastView.ToPixels(Vector2.Zero).X > before.ToPixels(Vector2.Zero).X + 70, "a drag to the right moves the picture right");
        Assert.Null(steps.Probed);

        router.Route([new ScrollEvent(0, 2, 320, 240)], app, size);
        app.Draw(new RecordingRenderer(640, 480), 1);
        Assert.True(steps.LastView.Scale > before.Scale * 1.2, "the wheel zooms in");

        router.Route([new KeyEvent(Key.Space, KeyAction.Press, KeyModifiers.None)], app, size);
        Assert.False(steps.Animation.Playing);
        router.Route([new KeyEvent(Key.D2, KeyAction.Press, KeyModifiers.None)], app, size);
        Assert.IsType<DensityScene>(app.Scene);
        router.Route([new KeyEvent(Key.D1, KeyAction.Release, KeyModifiers.None)], app, size);
        Assert.IsType<DensityScene>(app.Scene); // releases do nothing
    }
}
