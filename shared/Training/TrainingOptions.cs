namespace FlowLive.Training;

/// <summary>
/// How to fit a model: how long, how fast, how often to validate, report and checkpoint. Runs are counted in steps;
/// for a finite training set <see cref="Epochs"/> gives the length instead (steps = epochs x batches per epoch).
/// </summary>
public sealed record TrainingOptions
{
    public int Steps { get; init; } = 2000;
    /// <summary>When set (finite training sets), the run lasts this many epochs and <see cref="Steps"/> is ignored.</summary>
    public int? Epochs { get; init; }
    public int BatchSize { get; init; } = 256;
    public double LearningRate { get; init; } = 1e-3;
    public LearningRateSchedule Schedule { get; init; } = new ConstantSchedule();
    /// <summary>Gradient norm clip; flows with exp() in them occasionally spike early.</summary>
    public double GradientClip { get; init; } = 10.0;
    /// <summary>Report progress every this many steps (and at the last step).</summary>
    public int ReportEvery { get; init; } = 50;
    /// <summary>Evaluate the validation set every this many steps; 0 = once per epoch (finite sets) or at each report.</summary>
    public int ValidateEvery { get; init; }
    /// <summary>Early stopping: stop after this many validations without improvement (0 = never stop early).</summary>
    public int Patience { get; init; }
    /// <summary>
    /// Validation (what early stopping and the best weights go by) is the mean loss after leaving out this fraction of
    /// the worst validation samples; 0 = the plain mean. One odd digit among 1,000 (a 1 with a blot beside it) rose
    /// from 11 to millions of bits/dim as Glow and RealNVP trained on, while train, test and every other validation
    /// digit improved: its plain mean stopped both runs early at their worst.
    /// </summary>
    public double ValidationTrim { get; init; }
    /// <summary>An improvement smaller than this (nats) does not reset the patience.</summary>
    public double MinImprovement { get; init; } = 1e-4;
    /// <summary>Write a checkpoint every this many steps (0 = only on cancellation), when a checkpoint path is given.</summary>
    public int CheckpointEvery { get; init; }
    /// <summary>Non-finite losses or gradients survived (each restores the last good state and halves the rate) before giving up.</summary>
    public int MaxRecoveries { get; init; } = 4;
    public long Seed { get; init; }
    /// <summary>Stop (keeping the best validated weights) once the run has trained this long; null = no limit.</summary>
    public TimeSpan? TimeBudget { get; init; }

    public void Validate()
    {
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be at least 1");
        if (Epochs is < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "epochs must be at least 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be at least 1");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be positive and finite");
        if (!(GradientClip > 0)) throw new ArgumentOutOfRangeException(nameof(GradientClip), GradientClip, "gradient clip must be positive");
        if (ReportEvery < 1) throw new ArgumentOutOfRangeException(nameof(ReportEvery), ReportEvery, "report interval must be at least 1");
        if (ValidateEvery < 0) throw new ArgumentOutOfRangeException(nameof(ValidateEvery), ValidateEvery, "validation interval must be 0 or more");
        if (Patience < 0) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "patience must be 0 or more");
        if (CheckpointEvery < 0) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, "checkpoint interval must be 0 or more");
        if (TimeBudget is { } budget && budget <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(TimeBudget), budget, "a time budget must be positive");
        if (!(ValidationTrim >= 0 && ValidationTrim < 0.5)) throw new ArgumentOutOfRangeException(nameof(ValidationTrim), ValidationTrim, "the validation trim must be in [0, 0.5)");
        if (MaxRecoveries < 0) throw new ArgumentOutOfRangeException(nameof(MaxRecoveries), MaxRecoveries, "recoveries must be 0 or more");
    }
}
