namespace FlowLive.Training;

/// <summary>
/// When a watched run takes snapshots without being asked: every <see cref="Every"/> steps or, when that is 0, about
/// <see cref="Count"/> times over the run; either way also at its last step. A watcher's concern, not a training
/// option: a snapshot samples in evaluation mode with a seed of its own, so it changes nothing the run computes.
/// </summary>
public sealed record SnapshotSchedule(int Every = 0, int Count = 0)
{
    /// <summary>Only when asked (<see cref="TrainingLoop.RequestSnapshot"/>).</summary>
    public static readonly SnapshotSchedule None = new();

    /// <summary>Steps between snapshots in a run of <paramref name="totalSteps"/>; 0 = none unasked.</summary>
    public int Interval(int totalSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Every);
        ArgumentOutOfRangeException.ThrowIfNegative(Count);
        return Every > 0 ? Every : Count > 0 ? Math.Max(1, totalSteps / Count) : 0;
    }
}
