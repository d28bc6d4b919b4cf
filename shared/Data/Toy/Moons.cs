using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// Two interleaving half circles in scikit-learn's own coordinates (sklearn.datasets.make_moons, as checked in
/// sklearn/datasets/_samples_generator.py): the outer moon (cos t, sin t) and the inner moon (1 - cos t, 1 - sin t - 0.5)
/// for t in [0, pi], plus isotropic Gaussian noise of std <see cref="Noise"/>; about [-1, 2] x [-0.5, 1].
/// Unlike <see cref="TwoMoons"/> (FFJORD's 2x scaled and shifted copy), nothing is rescaled.
/// <para>Two ways to draw:</para>
/// <list type="bullet">
/// <item><see cref="ToyDataset.Sample"/>: n independent points of the continuous distribution (each moon with
/// probability 1/2, t uniform on [0, pi]) - what held-out evaluation and the density below describe.</item>
/// <item><see cref="SklearnPoints"/>: sklearn's finite construction, n_out = n / 2 (rounded down) outer and
/// n_in = n - n_out inner points at evenly spaced t = linspace(0, pi, ·), shuffled, then noise added - the fixed training
/// set of n points that sklearn users train on.</item>
/// </list>
/// The density is <see cref="MoonsDensity"/> (quadrature over t); it needs noise &gt; 0, since with no noise all mass
/// lies on the curves. Its entropy is a Monte Carlo estimate over 200,000 seeded samples.
/// </summary>
public sealed class Moons : KnownDensityToyDataset
{
    public Moons(double noise) =>
        Noise = noise >= 0 && double.IsFinite(noise) ? noise : throw new ArgumentOutOfRangeException(nameof(noise), $"Moons: noise must be finite and >= 0, got {noise}");

    public double Noise { get; }
    public override string Name => "moons";
    public override string Description => $"scikit-learn's make_moons, noise {Noise}";

    protected override Tensor SampleCore(long n, Generator g) => SampleContinuous(n, Noise, g);

    /// <summary>
    /// The continuous sampler as float32 [n, 2]: the moon (n draws), then t (n draws), then the noise (2n draws), in that
    /// order, from <paramref name="g"/>; <see cref="TwoMoons"/> maps these same points. Temporaries are left to the caller's scope.
    /// </summary>
    internal static Tensor SampleContinuous(long n, double noise, Generator g)
    {
        var inner = Integers(n, 0, 2, g);  // 1 for the inner moon
        var t = Uniform(n, g) * Math.PI;
        var x = cos(t) + inner * (1 - 2 * cos(t));
        var y = sin(t) + inner * (0.5 - 2 * sin(t));
        return stack([x, y], 1) + randn([n, 2], dtype: float32, generator: g) * noise;
    }

    /// <summary>
    /// sklearn's make_moons(n, shuffle, noise) arithmetic in float64: outer t = linspace(0, pi, n_out), inner
    /// t = linspace(0, pi, n_in) with numpy's linspace (t_i = i pi / (m - 1), the last exactly pi; [0] for m = 1),
    /// outer points then inner points, rows permuted when <paramref name="shuffle"/>, then N(0, noise^2) added to every
    /// coordinate. With noise 0 and no shuffle the points equal sklearn's bit for bit up to libm's last-ulp cos/sin; the
    /// permutation and the noise come from <paramref name="generator"/>, not numpy's RandomState, so seeds do not match
    /// sklearn's. Returned as <paramref name="dtype"/> [n, 2] on the CPU.
    /// </summary>
    public Tensor SklearnPoints(long n, Generator generator, bool shuffle = true, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        using var scope = NewDisposeScope();
        long outer = n / 2, inner = n - outer;
        var tOut = NumpyLinspace(0, Math.PI, outer);
        var tIn = NumpyLinspace(0, Math.PI, inner);
        var x = cat([cos(tOut), 1 - cos(tIn)]);
        var y = cat([sin(tOut), 1 - sin(tIn) - 0.5]);
        var points = stack([x, y], 1);
        if (shuffle) points = points[randperm(n, generator: generator)];
        if (Noise > 0) points = points + randn([n, 2], dtype: ScalarType.Float64, generator: generator) * Noise;
        return points.to(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>numpy.linspace(start, stop, count) with its endpoint: start + i (stop - start) / (count - 1), last = stop.</summary>
    static Tensor NumpyLinspace(double start, double stop, long count)
    {
        var values = new double[count];
        double step = (stop - start) / (count - 1);
        for (long i = 0; i < count; i++) values[i] = i * step + start;
        if (count > 1) values[count - 1] = stop;
        if (count == 1) values[0] = start;
        return tensor(values, ScalarType.Float64);
    }

    protected override Tensor LogDensityCore(Tensor x) =>
        Noise > 0 ? MoonsDensity.LogDensity(x, Noise)
                  : throw new InvalidOperationException("moons: with noise 0 all mass lies on the two curves, so there is no density; use noise > 0");

    protected override long EntropySamples => 200_000;
}
