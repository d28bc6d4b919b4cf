using FlowLive.Imaging;
using DensityGrid = FlowLive.Imaging.DensityGrid;
using FlowLive.Protos.V1;
using FlowLive.Server.Jobs;
using FlowLive.Training;
using FlowLive.Training.Presets;
using TrainingSnapshot = FlowLive.Training.TrainingSnapshot;

namespace FlowLive.Tests.Server;

/// <summary>A job's event log and watchers, fed events directly (no training): slow watchers, late watchers, long runs.</summary>
public sealed class TrainingJobTests
{
    static TrainingJob NewJob() =>
        new("job-1", new TrainingPlan(PresetCatalog.Find("radboud-moons")!.FastRequest(), "radboud-moons", null, SnapshotSchedule.None),
            "m", maxSnapshotBytes: 1 << 18);

    static TrainingReport Report(int step) => new(step, 1_000_000, 1, 2.0 - step * 1e-7, null, 1e-3, 100, TimeSpan.FromSeconds(step), 2, false);

    [Fact]
    public void A_watcher_that_never_reads_loses_the_oldest_messages_but_gets_the_finished_job_last()
    {
        var job = NewJob();
        using var watch = job.Watch();
        job.OnEvent(new TrainingStarted(0, 1_000_000, 100, "test", TimeSpan.Zero));
        for (int step = 1; step <= 1000; step++) job.OnEvent(Report(step)); // never waits for the watcher
        job.Succeeded(new Dictionary<string, double> { ["test_nll"] = 1.5 });

        var queued = new List<WatchJobResponse>();
        while (watch.Live.TryRead(out var message)) queued.Add(message);
        Assert.True(watch.Live.Completion.IsCompleted);
        Assert.Equal(TrainingJob.WatcherQueue, queued.Count);
        Assert.Equal(JobState.Succeeded, queued[^1].Job.State);
        Assert.Equal(1.5, queued[^1].Job.Metrics["test_nll"]);
        Assert.Equal(1000, queued[^2].Progress.Step); // the newest progress survives, the oldest went
    }

    [Fact]
    public void A_late_watcher_gets_the_history_thinned_over_the_whole_run_and_the_latest_snapshot()
    {
        var job = NewJob();
        int steps = 3 * TrainingJob.MaxHistory;
        job.OnEvent(new TrainingStarted(0, steps, 100, "test", TimeSpan.Zero));
        for (int step = 1; step <= steps; step++)
        {
            job.OnEvent(Report(step));
            if (step % 1000 == 0) job.OnEvent(new TrainingSnapshot(step, [1, 2, 3, 4], [2, 2], null, TimeSpan.Zero));
        }
        using var watch = job.Watch();
        Assert.Equal(JobState.Running, watch.First.State);
        Assert.Equal(steps, watch.First.Step);
        var history = watch.History.Select(m => m.Progress.Step).ToList();
        Assert.InRange(history.Count, TrainingJob.MaxHistory / 2, TrainingJob.MaxHistory);
        Assert.Equal(history.Order(), history);
        Assert.True(history[0] < steps / 100, $"the history should still reach back to the start, its first step is {history[0]}");
        Assert.Equal(steps, history[^1]);
        Assert.Equal(steps / 1000 * 1000, watch.LatestSnapshot!.Snapshot.Step);
        Assert.False(watch.Live.TryRead(out _)); // nothing live yet: the history holds it all
    }

    [Fact]
    public void Snapshot_messages_keep_to_their_size_and_carry_no_non_finite_number()
    {
        const int side = 28, count = 2000;
        var samples = new float[count * side * side];
        for (int i = 0; i < samples.Length; i++) samples[i] = i % 7;
        samples[0] = float.NaN; // the first image overflowed: it is left out
        var images = JobMessages.Snapshot(new TrainingSnapshot(5, samples, [count, 1, side, side], null, TimeSpan.Zero), maxSampleBytes: 1 << 18);
        Assert.Equal([(1 << 18) / (side * side * 4) - 1L, 1, side, side], images.Samples.Shape);
        Assert.Equal(samples.AsSpan(side * side, side * side).ToArray(), WireTensors.Values(images.Samples)[..(side * side)]);
        Assert.Null(images.Density);

        var window = new GridWindow(-1, 1, -2, 2, 3, 2);
        var grid = new DensityGrid(window, [0f, -1f, float.NegativeInfinity, float.NaN, -2f, -3f]);
        var points = JobMessages.Snapshot(new TrainingSnapshot(6, [1, 2, 3, 4], [2, 2], grid, TimeSpan.Zero), maxSampleBytes: 1 << 18);
        Assert.Equal([2L, 2], points.Samples.Shape);
        Assert.Equal([0f, -1f, float.MinValue, float.MinValue, -2f, -3f], WireTensors.Values(points.Density.LogDensity));
        Assert.Equal([2L, 3], points.Density.LogDensity.Shape);
        Assert.Equal((3, 2, -1.0, 2.0), (points.Density.Columns, points.Density.Rows, points.Density.Bounds.XMin, points.Density.Bounds.YMax));
    }
}
