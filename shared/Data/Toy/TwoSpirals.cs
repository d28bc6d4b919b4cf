using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// Two interleaved spirals, FFJORD's "2spirals" (Grathwohl et al. 2019): t = 3 pi sqrt(u), the arm
/// (-t cos t, t sin t) plus uniform jitter in [0, 0.5)^2, negated for the second arm, scaled by 1/3, plus Gaussian
/// noise of std 0.1. Radii reach about 3.3.
/// </summary>
public sealed class TwoSpirals : ToyDataset
{
    public override string Name => "two_spirals";
    public override string Description => "two interleaved spirals, 1.5 turns each";

    protected override Tensor SampleCore(long n, Generator g)
    {
        var t = sqrt(Uniform(n, g)) * (3 * Math.PI);
        var arm = stack([-cos(t) * t, sin(t) * t], 1) + rand([n, 2], dtype: float32, generator: g) * 0.5;
        var sign = (Integers(n, 0, 2, g) * 2 - 1).unsqueeze(1);
        return arm * sign / 3 + randn([n, 2], dtype: float32, generator: g) * 0.1;
    }
}
