using static TorchSharp.torch;

namespace FlowLive.Flows.Bases;

[SpecKind("standard_normal")]
public sealed record StandardNormalSpec : BaseSpec
{
    public override BaseDistribution Build() => new StandardNormal(this);
}

/// <summary>N(0, I): log p(z) = -|z|^2 / 2 - D/2 log(2 pi).</summary>
public sealed class StandardNormal : BaseDistribution
{
    readonly StandardNormalSpec spec;
    readonly Tensor loc;

    public StandardNormal(Shape shape) : this(new StandardNormalSpec { Shape = shape }) { }

    public StandardNormal(StandardNormalSpec spec) : base(nameof(StandardNormal), spec.Shape)
    {
        this.spec = spec;
        loc = zeros(spec.Shape.Size);
        RegisterComponents();
    }

    public override BaseSpec Spec => spec;
    protected override Tensor Anchor => loc;

    protected override Tensor LogProbCore(Tensor flatZ) =>
        -0.5 * flatZ.pow(2).sum(1) - 0.5 * Shape.Size * LogTwoPi;

    protected override Tensor SampleCore(long count, double temperature, Generator? generator) =>
        Noise(count, generator) * temperature;
}
