extern alias viewer;
using FlowLive.Protos.V1;
using FlowLive.Tests.Server;
using Grpc.Core;
using viewer::FlowLive.Viewer.Engine;
using viewer::FlowLive.Viewer.Scenes;
using WireTensors = FlowLive.Tests.Server.WireTensors;

namespace FlowLive.Tests.Viewer.Scenes;

/// <summary>
/// Streams that break part-way (<see cref="FailingStreams"/>): the scene retries and ends up showing one whole,
/// consistent answer, never a mix of two attempts.
/// </summary>
public sealed class MidStreamFaultTests
{
    [Fact]
    public async Task A_trace_cut_off_mid_stream_is_asked_for_again_and_arrives_whole()
    {
        var fault = new FailingStreams("Trace", failingCall: 1, messagesFirst: 2);
        await using var server = await RunningServer.InMemory(host: fault.Install);
        using var driven = await AppDriver.Start(server, a => a.Scene is FlowStepsScene { Trace.Complete: true } && a.Context.Message is null,
            "the trace after the retry", model: "two_moons-realnvp", points: 3_000);
        var trace = ((FlowStepsScene)driven.App.Scene).Trace!;
        Assert.True(fault.Calls >= 2, "the cut trace was asked for again");
        Assert.Equal(3_000, trace.Total);
        var direct = await FlowTrace(server, trace.Seed);
        Assert.Equal(direct, trace.States[^1].Interleaved(trace.Total));
        driven.App.Draw(new RecordingRenderer(), 1);
    }

    [Fact]
    public async Task An_interpolation_cut_off_after_two_pairs_shows_four_whole_pairs_of_one_attempt()
    {
        var fault = new FailingStreams("Interpolate", failingCall: 3, messagesFirst: 5);
        await using var server = await RunningServer.InMemory(host: fault.Install);
        var examples = await TestDigits.Of(server, 8);
        using var driven = await AppDriver.Start(server, a => a.Scene is InterpolationScene { Ready: true } && a.Context.Message is null,
            "the interpolations after the retry", scene: SceneCatalog.IndexOf("interpolation"), model: "realnvp-mnist", seconds: 60);
        var scene = (InterpolationScene)driven.App.Scene;
        Assert.True(fault.Calls >= 5, "the pairs were asked for again after the cut");
        for (int pair = 0; pair < 4; pair++)
        {
            var path = scene.Paths![pair];
            Assert.NotNull(path);
            Assert.All(path, Assert.NotNull);
            for (int i = 0; i < 784; i += 13)
                Assert.Equal(Math.Clamp(examples[(2 * pair + 1) * 784 + i], 0, 1), path[^1][i], 2e-3f);
        }
        driven.App.Draw(new RecordingRenderer(), 1); // every pair is there to draw
    }

    [Fact]
    public async Task A_watch_cut_off_mid_history_resumes_without_drawing_the_replayed_history_twice()
    {
        // A finished job (started without the viewer, so the viewer's watch is the first WatchJob call): its watch
        // replays the whole history, and the cut falls inside that replay.
        var fault = new FailingStreams("WatchJob", failingCall: 1, messagesFirst: 3);
        await using var server = await RunningServer.InMemory(host: fault.Install);
        var started = await server.Training.StartTrainingAsync(new StartTrainingRequest { Preset = "radboud-moons", Fast = true });
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((await server.Training.ListJobsAsync(new ListJobsRequest())).Jobs.Single().State is JobState.Queued or JobState.Running)
        {
            Assert.True(DateTime.UtcNow < deadline, "the fast radboud-moons job did not finish in 90 s");
            await Task.Delay(100);
        }
        using var driven = await AppDriver.Start(server, a => a.Scene is TrainingScene { Snapshots: > 0, Job.State: JobState.Succeeded } && a.Context.Message is null,
            "the watch after the retry", scene: SceneCatalog.IndexOf("training"));
        var scene = (TrainingScene)driven.App.Scene;
        await AppDriver.Until(driven.App, () => fault.Calls >= 2, "the watch to be opened again");
        await AppDriver.Until(driven.App, () => scene.TrainCurve.Count >= 2, "the replayed history");
        Assert.Equal(started.Job.Id, scene.Job!.Id);
        var steps = scene.TrainCurve.Select(p => p.X).ToList();
        Assert.All(steps.Zip(steps.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"step {pair.Second} follows {pair.First}: history drawn twice"));
    }

    /// <summary>The last state of the same trace, asked for directly (chunks in offset order).</summary>
    private static async Task<float[]> FlowTrace(RunningServer server, long seed)
    {
        var request = new TraceRequest { Model = "two_moons-realnvp", Count = 3_000, Seed = seed, Temperature = new ViewerSettings().Temperature };
        var last = new List<TraceResponse>();
        using var call = server.Models.Trace(request);
        await foreach (var message in call.ResponseStream.ReadAllAsync())
            if (message.LayerIndex == message.LayerCount) last.Add(message);
        return last.OrderBy(m => m.Offset).SelectMany(m => WireTensors.Values(m.State)).ToArray();
    }
}
