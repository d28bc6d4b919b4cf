extern alias viewer;
using FlowLive.Tests.Server;
using viewer::FlowLive.Viewer.Engine;
using viewer::FlowLive.Viewer.Scenes;

namespace FlowLive.Tests.Viewer.Scenes;

public sealed class ReconnectTests
{
    [Fact]
    public async Task A_server_that_goes_away_is_reported_on_screen_and_the_viewer_carries_on_when_it_returns()
    {
        var first = await RunningServer.Kestrel();
        int port = new Uri(first.Address).Port;
        using var driven = await AppDriver.Start(first, a => a.Scene is FlowStepsScene { Trace.Complete: true }, "the first trace",
            model: "two_moons-realnvp", points: 5_000);
        var app = driven.App;
        var scene = (FlowStepsScene)app.Scene;

        await first.DisposeAsync();
        app.Command(ViewerCommand.Resample); // asks the server again while it is gone
        await AppDriver.Until(app, () => app.Context.Message?.Contains("unreachable") == true, "the on-screen message");
        app.Draw(new RecordingRenderer(), 1); // still drawing, nothing thrown

        await using var second = await RunningServer.Kestrel(settings => settings.Port = port);
        await AppDriver.Until(app, () => scene.Trace is { Complete: true } && app.Context.Message is null, "the retry against the returned server");
        Assert.Equal(2, scene.Trace!.Seed);
    }
}
