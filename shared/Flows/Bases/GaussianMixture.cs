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
    // Parameters when learnable; otherwise the spec's values in the dtype of the data they meet (exact in float64).
    readonly Parameter? means;      // [K, D]
    readonly Parameter? logScales;  // [K, D]
    readonly Parameter? logits;     // [K]
    readonly Tensor anchor;

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

        if (spec.Learnable)
        {
            // A scope for the intermediate tensors of the initial values; the parameters themselves leave it.
            using var scope = NewDisposeScope();
            using var initial = zeros(1, dtype: float32);
            means = new Parameter(Means(initial).detach().clone());
            logScales = new Parameter(LogScales(initial).detach().clone());
            logits = new Parameter(Logits(initial).detach().clone());
            foreach (var parameter in new[] { means, logScales, logits }) parameter.DetachFromDisposeScope();
        }
        anchor = zeros(1);
        RegisterComponents();
    }

    public override BaseSpec Spec => spec;
    protected override Tensor Anchor => anchor;
    public int Components => spec.Means.Length;

    Tensor Means(Tensor like) => means ?? tensor(spec.Means.SelectMany(m => m).ToArray(), dtype: float64)
        .reshape(Components, Shape.Size).to(like.dtype, like.device);

    Tensor LogScales(Tensor like) => logScales ?? tensor(spec.Scales ?? Enumerable.Repeat(1.0, Components).ToArray(), dtype: float64)
        .log().unsqueeze(1).expand(Components, Shape.Size).to(like.dtype, like.device);

    Tensor Logits(Tensor like) => logits ?? tensor(spec.Weights ?? Enumerable.Repeat(1.0, Components).ToArray(), dtype: float64)
        .log().to(like.dtype, like.device);

    protected override Tensor LogProbCore(Tensor flatZ)
    {
        var logScale = LogScales(flatZ);
        var standardized = (flatZ.unsqueeze(1) - Means(flatZ)) * (-logScale).exp();          // [B, K, D]
        var perComponent = (-0.5 * standardized.pow(2) - logScale).sum(2) - 0.5 * Shape.Size * LogTwoPi;
        return (perComponent + Logits(flatZ).log_softmax(0)).logsumexp(1);
    }

    protected override Tensor SampleCore(long count, double temperature, Generator? generator)
    {
        var probabilities = Logits(anchor).softmax(0).to(float64).cpu();
        var component = multinomial(probabilities, count, replacement: true, generator: generator).to(anchor.device);
        var noise = Noise(count, generator);
        return Means(noise).index_select(0, component) + noise * LogScales(noise).exp().index_select(0, component) * temperature;
    }
}
