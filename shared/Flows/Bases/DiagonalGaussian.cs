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
    // Parameters when learnable; otherwise the spec's values in the dtype of the data they meet (exact in float64).
    readonly Parameter? loc;
    readonly Parameter? logScale;
    readonly Tensor anchor;

    public DiagonalGaussian(DiagonalGaussianSpec spec) : base(nameof(DiagonalGaussian), spec.Shape)
    {
        this.spec = spec;
        long d = spec.Shape.Size;
        Check(spec.Loc, d, nameof(spec.Loc));
        Check(spec.LogScale, d, nameof(spec.LogScale));
        if (spec.Learnable)
        {
            loc = new Parameter(Initial(spec.Loc, d));
            logScale = new Parameter(Initial(spec.LogScale, d));
        }
        anchor = zeros(1);
        RegisterComponents();
    }

    public override BaseSpec Spec => spec;
    protected override Tensor Anchor => anchor;

    Tensor Loc(Tensor like) => loc ?? FromSpec(spec.Loc, like);
    Tensor LogScale(Tensor like) => logScale ?? FromSpec(spec.LogScale, like);

    protected override Tensor LogProbCore(Tensor flatZ)
    {
        var s = LogScale(flatZ);
        var standardized = (flatZ - Loc(flatZ)) * (-s).exp();
        return (-0.5 * standardized.pow(2) - s).sum(1) - 0.5 * Shape.Size * LogTwoPi;
    }

    protected override Tensor SampleCore(long count, double temperature, Generator? generator)
    {
        var noise = Noise(count, generator);
        return Loc(noise) + noise * LogScale(noise).exp() * temperature;
    }

    Tensor FromSpec(double[]? values, Tensor like) => values is null
        ? zeros(Shape.Size, dtype: like.dtype, device: like.device)
        : tensor(values, dtype: float64).to(like.dtype, like.device);

    static void Check(double[]? values, long size, string field)
    {
        if (values is not null && values.Length != size)
            throw new FlowShapeException($"DiagonalGaussian: {field} has {values.Length} values, expected {size}");
    }

    static Tensor Initial(double[]? values, long size) => values is null ? zeros(size) : tensor(values, dtype: float32);
}
