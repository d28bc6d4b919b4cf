using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// Four concentric rings of radii 0.75, 1.65, 2.7 and 3.6 (FFJORD's "rings", Grathwohl et al. 2019: radii 0.25,
/// 0.55, 0.9, 1.2 times 3), a ring chosen uniformly, the angle uniform, plus isotropic Gaussian noise of std 0.08.
/// </summary>
public sealed class Rings : ToyDataset
{
    public static IReadOnlyList<double> Radii { get; } = [0.75, 1.65, 2.7, 3.6];
    public const double Noise = 0.08;
    public override string Name => "rings";
    public override string Description => "four concentric rings, radii 0.75 to 3.6";

    protected override Tensor SampleCore(long n, Generator g)
    {
        var ring = randint(0, Radii.Count, [n], dtype: int64, generator: g);
        var radius = tensor(Radii.Select(r => (float)r).ToArray())[ring];
        var angle = Uniform(n, g) * (2 * Math.PI);
        var points = stack([cos(angle), sin(angle)], 1) * radius.unsqueeze(1);
        return points + randn([n, 2], dtype: float32, generator: g) * Noise;
    }
}
