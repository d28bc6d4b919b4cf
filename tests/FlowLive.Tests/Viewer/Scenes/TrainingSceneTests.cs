extern alias viewer;
using FlowLive.Protos.V1;
using FlowLive.Tests.Server;
using viewer::FlowLive.Viewer.Engine;
using viewer::FlowLive.Viewer.Scenes;

namespace FlowLive.Tests.Viewer.Scenes;

public sealed class TrainingSceneTests
{
    [Fact]
    public async Task Pressing_T_trains_on_the_server_and_the_scene_shows_snapshots_and_curves_until_it_succeeds()
    {
        await using var server = await RunningServer.InMemory();
        using var driven = await AppDriver.Start(server, a => a.Model is not null, "the model list", scene: SceneCatalog.IndexOf("training"));
        var app = driven.App;
        var scene = (TrainingScene)app.Scene;
        app.Command(ViewerCommand.StartTraining);
        await AppDriver.Until(app, () => scene.Job is { State: JobState.Succeeded or JobState.Failed or JobState.Cancelled }, "the job to end", seconds: 90);
        Assert.Equal(JobState.Succeeded, scene.Job!.State);
        Assert.True(scene.Snapshots > 0, "snapshots arrived while it trained");
        var renderer = new RecordingRenderer(800, 600);
        app.Draw(renderer, 1);
        Assert.Contains(renderer.Images, i => i.Image.Width == 800); // the samples, splatted
        Assert.Contains(renderer.Texts, t => t.Contains("succeeded"));
        var models = await server.Models.ListModelsAsync(new ListModelsRequest());
        Assert.Contains(models.Models, m => m.Name == scene.Job.Model);
    }
}
