using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// Four concentric rings of radii 0.75, 1.65, 2.7 and 3.6 (FFJORD's "rings", Grathwohl et al. 2019: radii 0.25,
/// 0.55, 0.9, 1.2 times 3), a ring chosen uniformly, the angle uniform, plus isotropic Gaussian noise of std 0.08.
/// The angle integrates in closed form: a ring of radius R blurred by N(0, s^2 I) has density
/// exp(-(r^2 + R^2) / (2 s^2)) I0(r R / s^2) / (2 pi s^2) at radius r, evaluated with the scaled Bessel function
/// i0e(z) = exp(-z) I0(z) as exp(-(r - R)^2 / (2 s^2)) i0e(r R / s^2) / (2 pi s^2) so nothing overflows.
/// Entropy: Monte Carlo over 10^6 seeded samples.
/// </summary>
public sealed class Rings : KnownDensityToyDataset
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

    protected override Tensor LogDensityCore(Tensor x)
    {
        var r = x.square().sum(1, keepdim: true).sqrt();  // [n, 1]
        var radii = tensor(Radii.ToArray(), ScalarType.Float64);
        double variance = Noise * Noise;
        var perRing = -(r - radii).square() / (2 * variance) + special.i0e(r * radii / variance).log();
        return (perRing + Math.Log(1.0 / Radii.Count)).logsumexp(1) - Math.Log(2 * Math.PI * variance);
    }
}
