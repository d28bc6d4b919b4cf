namespace FlowLive.Flows;

/// <summary>
/// The largest sizes FlowLive accepts anywhere: in model files (checked before anything is built), on the command
/// line (train's --hidden and --batch-size, sample's -n) and from the gRPC server. One place, so every entry point
/// refuses the same things. The caps are far above anything FlowLive trains on 2 cores (64 hidden units, 8 steps,
/// 28x28 images, batches of 256), yet low enough that no accepted value can make one layer or one call allocate more
/// than a few hundred megabytes.
/// </summary>
public static class SpecLimits
{
    /// <summary>Hidden units (MLP) or channels (CNN) of one conditioner network.</summary>
    public const int MaxHidden = 4096;

    /// <summary>Hidden layers of one conditioner network.</summary>
    public const int MaxDepth = 16;

    /// <summary>Layers of one flow, counting those nested inside factor-outs.</summary>
    public const int MaxLayers = 256;

    /// <summary>Values in one sample (a shape's product): 3 x 256 x 256.</summary>
    public const long MaxElementsPerSample = 3 * 256 * 256;

    /// <summary>Dimensions of a shape: [D] or [C, H, W].</summary>
    public const int MaxRank = 3;

    /// <summary>Bins of a spline or piecewise-linear layer.</summary>
    public const int MaxBins = 256;

    /// <summary>Iteration counts of iterative layers (power iterations, fixed-point iterations, series terms).</summary>
    public const int MaxIterations = 100_000;

    /// <summary>
    /// Hutchinson probe vectors per sample (i-ResNet): each one repeats the whole batch. Training uses 1; tests that
    /// want a near-exact estimate use 4,096.
    /// </summary>
    public const int MaxProbes = 4096;

    /// <summary>Samples in one call: a sample request, a density evaluation or a training batch.</summary>
    public const int MaxBatch = 1 << 20;

    /// <summary>Values in one call's batch (samples x values per sample): 2^26, 256 MB in float32.</summary>
    public const long MaxElementsPerCall = 1L << 26;

    /// <summary>
    /// Sampling temperature (the base distribution's spread); 0 is the mode. Far above any useful value, low enough
    /// that temperature x a base sample stays finite in float32 (1e39 does not).
    /// </summary>
    public const double MaxTemperature = 100;

    /// <summary>Size of a model file read from disk (a default Glow on 28x28 images is about 10 MB).</summary>
    public const long MaxModelFileBytes = 1L << 30;

    /// <summary>
    /// Why <paramref name="count"/> samples of <paramref name="shape"/> are too many for one call, or null when they are
    /// not: at most <see cref="MaxBatch"/> samples and <see cref="MaxElementsPerCall"/> values.
    /// </summary>
    public static string? BatchProblem(long count, Shape shape)
    {
        if (count < 1) return $"must be at least 1, got {count}";
        if (count > MaxBatch) return $"at most {MaxBatch:N0} samples in one call, got {count:N0}";
        if (count * shape.Size > MaxElementsPerCall)
            return $"at most {MaxElementsPerCall / shape.Size:N0} samples of shape {shape} in one call " +
                   $"({MaxElementsPerCall:N0} values), got {count:N0}";
        return null;
    }
}
