namespace FlowLive.Training;

/// <summary>How to fit a flow by maximum likelihood.</summary>
public sealed record TrainingOptions
{
    public int Steps { get; init; } = 2000;
    public int BatchSize { get; init; } = 256;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Gradient norm clip; flows with exp() in them occasionally spike early.</summary>
    public double GradientClip { get; init; } = 10.0;
    /// <summary>Report progress every this many steps (and at the last step).</summary>
    public int ReportEvery { get; init; } = 50;
    public long Seed { get; init; } = 0;

    public void Validate()
    {
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be at least 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be at least 1");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be positive");
        if (ReportEvery < 1) throw new ArgumentOutOfRangeException(nameof(ReportEvery), ReportEvery, "report interval must be at least 1");
    }
}

/// <summary>One progress report: the step reached and the mean negative log-likelihood (nats per sample) since the last.</summary>
public sealed record TrainingProgress(int Step, int Steps, double NegativeLogLikelihood, TimeSpan Elapsed)
{
    public double SamplesPerSecond(int batchSize) => Elapsed.TotalSeconds > 0 ? Step * (double)batchSize / Elapsed.TotalSeconds : 0;
}
