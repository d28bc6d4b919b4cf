namespace FlowLive.Training;

/// <summary>
/// Caps on what one training request may ask for, checked before any work so a typo cannot make libtorch allocate
/// for minutes (the gRPC server's StartTraining uses the same numbers).
/// </summary>
public static class TrainingLimits
{
    public const int MaxHidden = 16_384;
    public const int MaxBatch = 1_000_000;
    public const int MaxPoints = 10_000_000;
    public const int MaxSteps = 100_000_000;
}
