using FlowLive.Flows;
using FlowLive.Protos.V1;
using FlowLive.Server.Wire;
using FlowLive.Training;
using SnapshotMessage = FlowLive.Protos.V1.TrainingSnapshot;

namespace FlowLive.Server.Jobs;

/// <summary>
/// A trainer's events as WatchJob's messages: reports as TrainingProgress, snapshots as TrainingSnapshot, everything
/// else worth telling as a TrainingNotice of the kind training.proto names. Non-finite numbers never travel in
/// tensors: a grid cell without mass carries the most negative float32, and a sample that overflowed is left out.
/// </summary>
public static class JobMessages
{
    public static TrainingProgress Progress(TrainingReport report)
    {
        var message = new TrainingProgress
        {
            Step = report.Step,
            TotalSteps = report.TotalSteps,
            Epoch = report.Epoch,
            TrainLoss = report.TrainLoss,
            LearningRate = report.LearningRate,
            SamplesPerSecond = report.SamplesPerSecond,
            ElapsedSeconds = report.Elapsed.TotalSeconds,
        };
        if (report.ValidationLoss is double validation) message.ValidationLoss = validation;
        if (report.BitsPerDim(report.TrainLoss) is double trainBits) message.TrainBitsPerDim = trainBits;
        if (report.BitsPerDim(report.ValidationLoss) is double validationBits) message.ValidationBitsPerDim = validationBits;
        return message;
    }

    /// <summary>
    /// The snapshot as a message of at most about <paramref name="maxSampleBytes"/> of samples (the first ones: the
    /// trainer draws them from the same base points every time, so they move as the flow learns).
    /// </summary>
    public static SnapshotMessage Snapshot(Training.TrainingSnapshot snapshot, int maxSampleBytes)
    {
        var message = new SnapshotMessage { Step = snapshot.Step };
        var sampleShape = Shape.OfBatched(snapshot.SampleShape);
        long sampleSize = sampleShape.Size;
        long count = Math.Min(snapshot.SampleShape[0], Math.Max(1, maxSampleBytes / (sampleSize * sizeof(float))));
        var kept = new List<float>((int)(count * sampleSize));
        long keptCount = 0;
        for (long i = 0; i < count; i++)
        {
            var sample = snapshot.Samples.AsSpan((int)(i * sampleSize), (int)sampleSize);
            bool finite = true;
            foreach (float v in sample) finite &= float.IsFinite(v);
            if (!finite) continue;
            kept.AddRange(sample);
            keptCount++;
        }
        if (keptCount > 0) message.Samples = TensorMessages.ToMessage(kept.ToArray(), sampleShape.WithBatch(keptCount));
        if (snapshot.Density is { } density) message.Density = TensorMessages.ToMessage(density);
        return message;
    }

    /// <summary>The notice for an event that has one (kinds as training.proto lists them), or null.</summary>
    public static TrainingNotice? Notice(TrainingEvent e) => e switch
    {
        NewBestValidation best => Make("new_best_validation", e.Step,
            $"validation loss {best.ValidationLoss:F4} nats is the best so far; these weights are kept"),
        RecoveredFromNonFinite r => Make("recovered_from_non_finite", e.Step,
            $"{r.What} at step {r.Step}: went back to the weights of step {r.RestoredStep} and halved the learning rate to {r.NewLearningRate:G3} " +
            $"(recovery {r.Recoveries})"),
        NonFiniteValidation v => Make("non_finite_validation", e.Step,
            $"the validation loss was {v.ValidationLoss}; it counts as no improvement"),
        CheckpointWritten c => Make("checkpoint_written", e.Step, $"checkpoint written after step {c.Step}"),
        StoppedEarly s => Make("stopped_early", e.Step,
            $"no improvement in {s.Patience} validations: stopped, keeping the weights of step {s.BestStep} (validation {s.BestValidationLoss:F4} nats)"),
        OutOfTime o => Make("out_of_time", e.Step,
            $"the time budget of {o.Budget.TotalSeconds:N0} s is used: stopped after step {o.Step}, keeping the best validated weights"),
        _ => null,
    };

    static TrainingNotice Make(string kind, int step, string message) => new() { Kind = kind, Step = step, Message = message };
}
