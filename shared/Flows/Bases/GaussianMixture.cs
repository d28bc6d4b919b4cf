using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Bases;

[SpecKind("gaussian_mixture")]
public sealed record GaussianMixtureSpec : BaseSpec
{
    /// <summary>Component means, [K][D]. Required: they decide the modes.</summary>
    public required double[][] Means { get; init; }
    /// <summary>Per-component isotropic standard deviations; ones when absent.</summary>
    public double[]? Scales { get; init; }
    /// <summary>Mixture weights (normalized on build); uniform when absent.</summary>
    public double[]? Weights { get; init; }
    public bool Learnable { get; init; } = false;
    public override BaseDistribution Build() => new GaussianMixture(this);

    /// <summary>The bimodal base of the exercise: two unit Gaussians at +-<paramref name="separation"/>/2 on the first axis.</summary>
    public static GaussianMixtureSpec Bimodal(Shape shape, double separation = 4.0)
    {
        double[] Mean(double sign) { var m = new double[shape.Size]; m[0] = sign * separation / 2; return m; }
        return new GaussianMixtureSpec { Shape = shape, Means = [Mean(-1), Mean(+1)] };
    }
}

/// <summary>
/// Mixture of K diagonal Gaussians: log p(z) = logsumexp_k [log w_k + sum_i log N(z_i; mu_ki, sigma_ki)].
/// Sampling draws a component by weight, then mu_k + T sigma_k eps, so temperature 0 gives the drawn component's mean.
/// </summary>
public sealed class GaussianMixture : BaseDistribution
{
    readonly GaussianMixtureSpec spec;
    readonly Parameter means;      // [K, D]
    readonly Parameter logScales;  // [K, D]
    readonly Parameter logits;     // [K]

    public GaussianMixture(GaussianMixtureSpec spec) : base(nameof(GaussianMixture), spec.Shape)
    {
        this.spec = spec;
        long d = spec.Shape.Size;
        int k = spec.Means.Length;
        if (k == 0) throw new ArgumentException("GaussianMixture: Means needs at least one component");
        if (spec.Means.Any(m => m.Length != d))
            throw new FlowShapeException($"GaussianMixture: every mean needs {d} values (the base shape {spec.Shape})");
        if (spec.Scales is { } s && (s.Length != k || s.Any(v => !(v > 0))))
            throw new ArgumentException($"GaussianMixture: Scales needs {k} positive values");
        if (spec.Weights is { } w && (w.Length != k || w.Any(v => !(v > 0))))
            throw new ArgumentException($"GaussianMixture: Weights needs {k} positive values");

        means = new Parameter(tensor(spec.Means.SelectMany(m => m).ToArray()).reshape(k, d).to(float32), spec.Learnable);
        var scales = spec.Scales ?? Enumerable.Repeat(1.0, k).ToArray();
        logScales = new Parameter(tensor(scales).log().unsqueeze(1).expand(k, d).contiguous().to(float32), spec.Learnable);
        var weights = spec.Weights ?? Enumerable.Repeat(1.0, k).ToArray();
        logits = new Parameter(tensor(weights).log().to(float32), spec.Learnable);
        RegisterComponents();
    }

    public override BaseSpec Spec => spec;
    protected override Tensor Anchor => means;
    public int Components => spec.Means.Length;

    protected override Tensor LogProbCore(Tensor flatZ)
    {
        var standardized = (flatZ.unsqueeze(1) - means) * (-logScales).exp();          // [B, K, D]
        var perComponent = (-0.5 * standardized.pow(2) - logScales).sum(2) - 0.5 * Shape.Size * LogTwoPi;
        return (perComponent + logits.log_softmax(0)).logsumexp(1);
    }

    protected override Tensor SampleCore(long count, double temperature, Generator? generator)
    {
        var probabilities = logits.softmax(0).to(float64).cpu();
        var component = multinomial(probabilities, count, replacement: true, generator: generator).to(means.device);
        var noise = Noise(count, generator);
        return means.index_select(0, component) + noise * logScales.exp().index_select(0, component) * temperature;
    }
}
