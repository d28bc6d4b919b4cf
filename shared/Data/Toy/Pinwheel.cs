using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// Five curved arms (the "pinwheel" of Johnson et al. 2016, "Composing graphical models with neural networks",
/// as in FFJORD's toy data): f = (1 + 0.3 e1, 0.1 e2) with e standard normal, arm k uniform in 0..4, rotated by
/// 2 pi k / 5 + 0.25 exp(f1), then scaled by 2.
/// </summary>
public sealed class Pinwheel : ToyDataset
{
    public const int Arms = 5;
    public override string Name => "pinwheel";
    public override string Description => "five curved arms";

    protected override Tensor SampleCore(long n, Generator g)
    {
        var radial = 1 + Normal(n, g) * 0.3;
        var tangential = Normal(n, g) * 0.1;
        var angle = Integers(n, 0, Arms, g) * (2 * Math.PI / Arms) + exp(radial) * 0.25;
        var (c, s) = (cos(angle), sin(angle));
        return stack([radial * c - tangential * s, radial * s + tangential * c], 1) * 2;
    }
}
