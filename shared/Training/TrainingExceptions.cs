namespace FlowLive.Training;

/// <summary>A run's loss or gradients kept going non-finite after every recovery the options allow: the options, not a bug.</summary>
public sealed class TrainingDivergedException(int step, int recoveries, string what)
    : Exception($"training diverged at step {step}: {what} after {recoveries} recoveries (each restored the last good weights " +
                "and halved the learning rate); try a lower --lr or a bounded scale")
{
    public int Step { get; } = step;
}

/// <summary>The run was cancelled (Ctrl-C, CancelJob); <see cref="CheckpointPath"/> holds a resumable checkpoint when one was asked for.</summary>
public sealed class TrainingCancelledException(int step, string? checkpointPath)
    : OperationCanceledException(checkpointPath is null
        ? $"training cancelled after step {step}"
        : $"training cancelled after step {step}; resume with --resume {checkpointPath}")
{
    public int Step { get; } = step;
    public string? CheckpointPath { get; } = checkpointPath;
}

/// <summary>A checkpoint that cannot be resumed: corrupt, truncated, or written for another model or run.</summary>
public sealed class CheckpointException(string path, string problem, Exception? inner = null)
    : Exception($"checkpoint '{path}': {problem}", inner)
{
    public string Path { get; } = path;
}
