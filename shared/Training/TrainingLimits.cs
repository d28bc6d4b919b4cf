namespace FlowLive.Training;

/// <summary>
/// Caps on the amounts of data one training or scoring request may ask for, checked before any work (widths and
/// batch sizes are capped by <see cref="Flows.SpecLimits"/>, the same numbers model files are held to).
/// </summary>
public static class TrainingLimits
{
    /// <summary>Points in a finite 2-D training set, a held-out set or a file to score.</summary>
    public const int MaxPoints = 10_000_000;

    /// <summary>Optimisation steps in one run.</summary>
    public const int MaxSteps = 100_000_000;
}
