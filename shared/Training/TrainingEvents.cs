namespace FlowLive.Training;

/// <summary>
/// Receives everything a run has to say, in order, on the training thread. The terminal, the gRPC server's
/// WatchJob stream and tests are all observers; an observer must not block for long (copy and queue).
/// </summary>
public interface ITrainingObserver
{
    void OnEvent(TrainingEvent e);
}

/// <summary>Something a run reports. <see cref="Step"/> is the last completed optimisation step.</summary>
public abstract record TrainingEvent(int Step, TimeSpan Elapsed);

/// <summary>The run is about to take its first step (or its first after resuming).</summary>
public sealed record TrainingStarted(int Step, int TotalSteps, int StepsPerEpoch, string Description, TimeSpan Elapsed)
    : TrainingEvent(Step, Elapsed);

/// <summary>
/// A progress report: the mean training loss over the steps since the last report, the validation loss when it was
/// evaluated at this step, the learning rate in force and the throughput. Losses are nats per sample; for 8-bit
/// images <see cref="BitsPerDim"/> turns them into bits per dimension.
/// </summary>
public sealed record TrainingReport(
    int Step, int TotalSteps, int Epoch, double TrainLoss, double? ValidationLoss, double LearningRate,
    double SamplesPerSecond, TimeSpan Elapsed, long Dimensions, bool DiscreteImages) : TrainingEvent(Step, Elapsed)
{
    /// <summary>Nats per sample on the 256-level scale to bits per dimension; null for continuous data.</summary>
    public double? BitsPerDim(double? nats) => DiscreteImages && nats is double n ? n / (Dimensions * Math.Log(2)) : null;

    /// <summary>Estimated time to the last step at the rate so far.</summary>
    public TimeSpan? Remaining => Step > 0 && Elapsed > TimeSpan.Zero ? Elapsed / Step * (TotalSteps - Step) : null;
}

/// <summary>A new best validation loss: its weights are kept and restored at the end.</summary>
public sealed record NewBestValidation(int Step, double ValidationLoss, TimeSpan Elapsed) : TrainingEvent(Step, Elapsed);

/// <summary>A non-finite loss or gradient: the last good state (from <see cref="RestoredStep"/>) is back and the rate halved.</summary>
public sealed record RecoveredFromNonFinite(int Step, int RestoredStep, string What, double NewLearningRate, int Recoveries, TimeSpan Elapsed)
    : TrainingEvent(Step, Elapsed);

/// <summary>The validation loss was not finite: it counts as no improvement and is never the best.</summary>
public sealed record NonFiniteValidation(int Step, double ValidationLoss, TimeSpan Elapsed) : TrainingEvent(Step, Elapsed);

public sealed record CheckpointWritten(int Step, string Path, TimeSpan Elapsed) : TrainingEvent(Step, Elapsed);

/// <summary>Validation stopped improving for <see cref="Patience"/> evaluations; the best weights (of <see cref="BestStep"/>) are restored.</summary>
public sealed record StoppedEarly(int Step, int BestStep, double BestValidationLoss, int Patience, TimeSpan Elapsed) : TrainingEvent(Step, Elapsed);

/// <summary>
/// What the model looks like now, taken when a caller asked (<see cref="TrainingLoop.RequestSnapshot"/>) or its
/// <see cref="SnapshotSchedule"/> said so:
/// samples in data space (for 2-D data, with a log-density grid over the held-out data's extent), row-major float32.
/// </summary>
public sealed record TrainingSnapshot(int Step, float[] Samples, long[] SampleShape, Imaging.DensityGrid? Density, TimeSpan Elapsed)
    : TrainingEvent(Step, Elapsed);

/// <summary>The run used its time budget and stopped after <see cref="Step"/> steps (the best validated weights are kept).</summary>
public sealed record OutOfTime(int Step, TimeSpan Budget, TimeSpan Elapsed) : TrainingEvent(Step, Elapsed);

/// <summary>The run ended after <see cref="Step"/> steps.</summary>
public sealed record TrainingFinished(int Step, bool Early, TimeSpan Elapsed) : TrainingEvent(Step, Elapsed);
