using static TorchSharp.torch;

namespace FlowLive.Flows.Nets;

/// <summary>
/// How raw log-scales from a subnet are bounded, so that exp(s) cannot explode early in training.
/// Tanh: s = c tanh(raw / c). SoftClamp (FrEIA): s = 0.636 c atan(raw / c). None: s = raw.
/// Both bounded forms are smooth, odd and stay within (-c, c).
/// </summary>
public enum ScaleBound { Tanh, SoftClamp, None }

public static class ScaleBounds
{
    /// <summary>The bounded log-scales; a new tensor, except for <see cref="ScaleBound.None"/>, which returns <paramref name="raw"/> itself.</summary>
    public static Tensor Apply(this ScaleBound bound, Tensor raw, double clamp)
    {
        if (bound == ScaleBound.None) return raw;
        using var scope = NewDisposeScope();
        var bounded = bound switch
        {
            // Clamp 1 (a scale net ending in tanh, as the Keras and DTU exercises write it) needs no rescaling ops.
            ScaleBound.Tanh => clamp == 1 ? raw.tanh() : (raw / clamp).tanh() * clamp,
            ScaleBound.SoftClamp => (raw / clamp).atan() * (0.636 * clamp),
            _ => throw new ArgumentOutOfRangeException(nameof(bound), bound, null),
        };
        return bounded.MoveToOuterDisposeScope();
    }
}
