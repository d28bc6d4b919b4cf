using FlowLive.Flows.Nets;

namespace FlowLive.Flows.Architectures;

/// <summary>The knobs every ready-made architecture shares.</summary>
public sealed record ArchitectureOptions
{
    /// <summary>Number of transformation steps (couplings, autoregressive layers, residual blocks, ...).</summary>
    public int Steps { get; init; } = 8;
    public SubnetSpec Net { get; init; } = new();
    /// <summary>Seeds the random masks and permutations that some architectures store in their specs.</summary>
    public int Seed { get; init; } = 0;
    public BaseChoice Base { get; init; } = BaseChoice.Normal;
    /// <summary>Multi-scale architectures (images): how many times to squeeze; height and width must divide by 2^Levels.</summary>
    public int Levels { get; init; } = 2;
}

/// <summary>Which base distribution a ready-made flow starts from.</summary>
public enum BaseChoice
{
    /// <summary>N(0, I).</summary>
    Normal,
    /// <summary>Two Gaussians on the first axis: the bimodal-base exercise.</summary>
    Bimodal,
    /// <summary>A diagonal Gaussian with learnable mean and scale.</summary>
    Learnable,
}
