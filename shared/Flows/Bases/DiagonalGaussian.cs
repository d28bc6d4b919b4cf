using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Bases;

[SpecKind("diagonal_gaussian")]
public sealed record DiagonalGaussianSpec : BaseSpec
{
    /// <summary>Initial means (length = Shape.Size); zeros when absent.</summary>
    public double[]? Loc { get; init; }
    /// <summary>Initial log standard deviations; zeros when absent.</summary>
    public double[]? LogScale { get; init; }
    public bool Learnable { get; init; } = true;
    public override BaseDistribution Build() => new DiagonalGaussian(this);
}

/// <summary>N(mu, diag(sigma^2)) with learnable mu and log sigma: log p(z) = sum_i log N(z_i; mu_i, sigma_i).</summary>
public sealed class DiagonalGaussian : BaseDistribution
{
    readonly DiagonalGaussianSpec spec;
    readonly Parameter loc;
    readonly Parameter logScale;

    public DiagonalGaussian(DiagonalGaussianSpec spec) : base(nameof(DiagonalGaussian), spec.Shape)
    {
        this.spec = spec;
        long d = spec.Shape.Size;
        loc = new Parameter(Initial(spec.Loc, d, nameof(spec.Loc)), requires_grad: spec.Learnable);
        logScale = new Parameter(Initial(spec.LogScale, d, nameof(spec.LogScale)), requires_grad: spec.Learnable);
        RegisterComponents();
    }

    public override BaseSpec Spec => spec;
    protected override Tensor Anchor => loc;

    protected override Tensor LogProbCore(Tensor flatZ)
    {
        var standardized = (flatZ - loc) * (-logScale).exp();
        return (-0.5 * standardized.pow(2) - logScale).sum(1) - 0.5 * Shape.Size * LogTwoPi;
    }

    protected override Tensor SampleCore(long count, double temperature, Generator? generator) =>
        loc + Noise(count, generator) * logScale.exp() * temperature;

    static Tensor Initial(double[]? values, long size, string field)
    {
        if (values is null) return zeros(size);
        if (values.Length != size) throw new FlowShapeException($"DiagonalGaussian: {field} has {values.Length} values, expected {size}");
        return tensor(values).to(float32);
    }
}
