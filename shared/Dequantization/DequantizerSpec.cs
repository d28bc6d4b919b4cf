using FlowLive.Flows;
using FlowLive.Flows.Nets;

namespace FlowLive.Dequantization;

/// <summary>
/// A conditional flow q(u | x) for <see cref="ConditionalDequantizer"/>: the shape of one image (or vector) of
/// pixels, how many conditional couplings follow the first conditional affine step, and their networks.
/// </summary>
public sealed record DequantizerSpec
{
    public required Shape Shape { get; init; }

    /// <summary>Conditional affine couplings after the conditional elementwise affine step (0 allowed).</summary>
    public int Couplings { get; init; } = 2;

    /// <summary>Conditioner networks: MLPs for vectors, small CNNs for images (<see cref="Subnet"/>); last layer zero.</summary>
    public SubnetSpec Net { get; init; } = new() { Hidden = 32, Depth = 1 };

    /// <summary>Log-scales stay within (-Clamp, Clamp) (tanh bound, as in FlowLive's couplings).</summary>
    public double Clamp { get; init; } = 2.0;

    public void Validate()
    {
        if (!(Shape.IsVector || Shape.IsImage))
            throw new ArgumentException($"DequantizerSpec.Shape must be a vector [D] or an image [C, H, W], got {Shape}");
        if (Couplings < 0) throw new ArgumentException($"DequantizerSpec.Couplings must be 0 or more, got {Couplings}");
        if (Couplings > 0 && Shape.Size < 2)
            throw new ArgumentException($"DequantizerSpec: couplings need at least 2 values per sample, got shape {Shape}");
        if (!(Clamp > 0 && double.IsFinite(Clamp))) throw new ArgumentException($"DequantizerSpec.Clamp must be positive and finite, got {Clamp}");
    }
}
