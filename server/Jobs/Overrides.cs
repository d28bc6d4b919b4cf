using FlowLive.Data;
using FlowLive.Flows;
using FlowLive.Protos.V1;
using FlowLive.Server.Wire;
using FlowLive.Training;

namespace FlowLive.Server.Jobs;

/// <summary>
/// StartTraining's overrides applied to a preset's or request's options the way `flowlive train`'s flags apply to a
/// preset: unset fields keep the request's values, steps replace epochs, a new length re-spaces the progress reports,
/// and an override that cannot apply to the data is refused (INVALID_ARGUMENT naming "overrides.FIELD"), not ignored.
/// </summary>
public static class Overrides
{
    /// <summary>The longest time budget a job may ask for: 30 days.</summary>
    public const double MaxTimeBudgetSeconds = 30 * 24 * 3600;

    /// <summary>Images in the largest training split FlowLive reads (Fashion-MNIST's), for step counts before the data is loaded.</summary>
    const int LargestImageSplit = 60_000;

    public static TrainingRequest Apply(TrainingRequest request, TrainingOverrides? o)
    {
        if (o is null) return request;
        bool images = IsImages(request);
        var data = request.Data;
        var training = request.Training;
        var architecture = request.ArchitectureOptions;

        if (o.HasTrainSize)
        {
            if (images) throw Problems.Invalid("overrides.train_size", "applies to 2-D sets; image datasets train on their training split");
            if (request.Target is not null) throw Problems.Invalid("overrides.train_size", "a target fit draws from its base; it has no training set");
            if (o.TrainSize < 1 || o.TrainSize > TrainingLimits.MaxPoints)
                throw Problems.Invalid("overrides.train_size", $"must be between 1 and {TrainingLimits.MaxPoints:N0}, got {o.TrainSize:N0}");
            data = data with { TrainSize = o.TrainSize };
        }
        if (o.HasSteps && o.HasEpochs) throw Problems.Invalid("overrides.steps", "give steps or epochs, not both");
        if (o.HasSteps)
        {
            if (o.Steps < 1 || o.Steps > TrainingLimits.MaxSteps)
                throw Problems.Invalid("overrides.steps", $"must be between 1 and {TrainingLimits.MaxSteps:N0}, got {o.Steps:N0}");
            training = training with { Steps = o.Steps, Epochs = null };
        }
        if (o.HasEpochs)
        {
            if (o.Epochs < 1) throw Problems.Invalid("overrides.epochs", $"must be at least 1, got {o.Epochs}");
            if (request.Target is not null) throw Problems.Invalid("overrides.epochs", "a target fit has no training set to pass over; set steps");
            if (!images && data.TrainSize is null)
                throw Problems.Invalid("overrides.epochs", "needs a finite training set: set overrides.train_size too (this dataset draws fresh points every step)");
            training = training with { Epochs = o.Epochs };
        }
        if (o.HasSeed)
        {
            // As `flowlive train --seed`: one seed for the data, the weights, the batches and any random masks.
            training = training with { Seed = o.Seed };
            architecture = architecture with { Seed = (int)o.Seed };
        }
        if (o.HasBatchSize)
        {
            if (o.BatchSize < 1 || o.BatchSize > SpecLimits.MaxBatch)
                throw Problems.Invalid("overrides.batch_size", $"must be between 1 and {SpecLimits.MaxBatch:N0}, got {o.BatchSize:N0}");
            training = training with { BatchSize = o.BatchSize };
        }
        if (o.HasLearningRate)
        {
            if (!double.IsFinite(o.LearningRate) || o.LearningRate <= 0)
                throw Problems.Invalid("overrides.learning_rate", $"must be positive and finite, got {o.LearningRate}");
            training = training with { LearningRate = o.LearningRate };
        }
        if (o.HasTimeBudgetSeconds)
        {
            if (!double.IsFinite(o.TimeBudgetSeconds) || o.TimeBudgetSeconds <= 0 || o.TimeBudgetSeconds > MaxTimeBudgetSeconds)
                throw Problems.Invalid("overrides.time_budget_seconds", $"must be above 0 and at most {MaxTimeBudgetSeconds:N0} (30 days), got {o.TimeBudgetSeconds}");
            training = training with { TimeBudget = TimeSpan.FromSeconds(o.TimeBudgetSeconds) };
        }
        if (o.HasSnapshotEvery && o.SnapshotEvery < 0)
            throw Problems.Invalid("overrides.snapshot_every", $"must be 0 (the server's default) or more, got {o.SnapshotEvery}");

        var changed = request with { Data = data, Training = training, ArchitectureOptions = architecture };
        long total = TotalSteps(changed);
        if (total > TrainingLimits.MaxSteps)
            throw Problems.Invalid(o.HasEpochs ? "overrides.epochs" : o.HasSteps ? "overrides.steps" : o.HasBatchSize ? "overrides.batch_size" : "overrides.train_size",
                $"the run would take {total:N0} steps; at most {TrainingLimits.MaxSteps:N0}");
        // A new length keeps about ten reports over the run, as the CLI does; epochs of images report at each epoch's end anyway.
        if ((o.HasSteps || o.HasEpochs) && !(images && training.Epochs is not null))
            changed = changed with { Training = training with { ReportEvery = (int)Math.Max(1, total / 10) } };
        return changed;
    }

    /// <summary>
    /// The steps a request will take: its steps, or epochs x batches per epoch of a finite set (for images an upper bound
    /// until the data is loaded).
    /// </summary>
    public static long TotalSteps(TrainingRequest request) => StepsOf(request, IsImages(request) ? LargestImageSplit : request.Data.TrainSize);

    /// <summary>The steps a request will take when they are known before its data is loaded (not for epochs of images).</summary>
    public static long? KnownTotalSteps(TrainingRequest request) =>
        IsImages(request) && request.Training.Epochs is not null ? null : StepsOf(request, request.Data.TrainSize);

    static long StepsOf(TrainingRequest request, long? points)
    {
        var t = request.Training;
        if (t.Epochs is not int epochs || points is not long n || request.Target is not null) return t.Steps;
        long batch = Math.Max(1, t.BatchSize); // a batch size below 1 is refused later, naming it
        return epochs * ((n + batch - 1) / batch);
    }

    /// <summary>True when the request trains on an image dataset (a target fit has no dataset).</summary>
    internal static bool IsImages(TrainingRequest request) => request.Target is null && ImageDatasets.IsImageDataset(request.Dataset);
}
