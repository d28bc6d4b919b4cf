namespace FlowLive.Flows.Nets;

/// <summary>
/// The conditioner network inside a coupling or autoregressive layer. Vectors get an MLP, images a small CNN
/// (3x3 conv, 1x1 convs, 3x3 conv) that keeps height and width. The last layer starts at zero, so a new
/// coupling layer is the identity (a lesson from Glow and four libraries' issue trackers).
/// </summary>
public sealed record SubnetSpec
{
    public int Hidden { get; init; } = 64;
    /// <summary>Hidden layers (MLP) or hidden convolutions (CNN); at least 1.</summary>
    public int Depth { get; init; } = 2;
    public Activation Activation { get; init; } = Activation.Relu;
}

public enum Activation { Relu, Tanh, Elu, Gelu }
