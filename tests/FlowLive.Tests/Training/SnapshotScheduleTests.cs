using FlowLive.Flows.Architectures;
using FlowLive.Flows.Nets;
using FlowLive.Training;

namespace FlowLive.Tests.Training;

/// <summary>Scheduled snapshots: at the steps asked for and at the end, and invisible to what the run computes.</summary>
public sealed class SnapshotScheduleTests
{
    static readonly TrainingRequest Small = new()
    {
        Dataset = "two_moons",
        Architecture = "realnvp",
        ArchitectureOptions = new ArchitectureOptions { Steps = 2, Net = new SubnetSpec { Hidden = 8 } },
        Data = new DataOptions { ValidationSize = 128, TestSize = 128 },
        Training = new TrainingOptions { Steps = 20, BatchSize = 32, ReportEvery = 5, Seed = 3 },
    };

    sealed class Recorder : ITrainingObserver
    {
        public List<TrainingSnapshot> Snapshots { get; } = [];
        public void OnEvent(TrainingEvent e)
        {
            if (e is TrainingSnapshot s) Snapshots.Add(s);
        }
    }

    static (TrainingMetrics Metrics, List<TrainingSnapshot> Snapshots) Train(SnapshotSchedule? schedule)
    {
        using var run = TrainingRun.Prepare(Small);
        var recorder = new Recorder();
        using var result = run.Run(recorder, snapshots: schedule);
        return (result.Metrics, recorder.Snapshots);
    }

    [Fact]
    public void Snapshots_come_every_n_steps_and_at_the_last_step()
    {
        var (_, snapshots) = Train(new SnapshotSchedule(Every: 7));
        Assert.Equal([7, 14, 20], snapshots.Select(s => s.Step));
        Assert.All(snapshots, s => Assert.Equal([2000L, 2], s.SampleShape));
        Assert.All(snapshots, s => Assert.NotNull(s.Density));
    }

    [Fact]
    public void A_count_spreads_the_snapshots_over_the_run()
    {
        var (_, snapshots) = Train(new SnapshotSchedule(Count: 4));
        Assert.Equal([5, 10, 15, 20], snapshots.Select(s => s.Step));
    }

    [Fact]
    public void Snapshots_change_nothing_the_run_computes()
    {
        var (watched, snapshots) = Train(new SnapshotSchedule(Every: 3));
        var (unwatched, none) = Train(null);
        Assert.NotEmpty(snapshots);
        Assert.Empty(none);
        Assert.Equal(unwatched.TrainLoss, watched.TrainLoss);
        Assert.Equal(unwatched.ValidationLoss, watched.ValidationLoss);
        Assert.Equal(unwatched.TestLoss, watched.TestLoss);
    }
}
