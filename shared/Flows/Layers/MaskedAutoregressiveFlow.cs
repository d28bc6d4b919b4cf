using FlowLive.Flows.Nets;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("maf")]
public sealed record MaskedAutoregressiveFlowSpec : LayerSpec
{
    /// <summary>The autoregressive order: Order[k] is conditioned on Order[0..k-1]. Saved, never re-drawn.</summary>
    public required int[] Order { get; init; }
    /// <summary>MADE's hidden width, hidden layers and activation; hidden &gt;= D - 1 keeps every dependency.</summary>
    public SubnetSpec Net { get; init; } = new();
    public ScaleBound Bound { get; init; } = ScaleBound.Tanh;
    /// <summary>Log-scales stay within (-Clamp, Clamp).</summary>
    public double Clamp { get; init; } = 2.0;
    public override FlowLayer Build() => new MaskedAutoregressiveFlow(this);

    /// <summary>The natural order 0, 1, .., D-1.</summary>
    public static MaskedAutoregressiveFlowSpec Natural(Shape shape) =>
        new() { Shape = shape, Order = Made.NaturalOrder(AutoregressiveAffine.Features(shape, nameof(MaskedAutoregressiveFlow))) };

    /// <summary>A random order drawn once from <paramref name="seed"/> and stored in the spec.</summary>
    public static MaskedAutoregressiveFlowSpec Random(Shape shape, int seed) =>
        new() { Shape = shape, Order = Made.RandomOrder(AutoregressiveAffine.Features(shape, nameof(MaskedAutoregressiveFlow)), seed) };
}

/// <summary>
/// Masked autoregressive flow (Papamakarios et al. 2017, section 3), on vectors [D]:
/// x_i = z_i exp(alpha_i(x_&lt;i)) + mu_i(x_&lt;i), with (mu, alpha) from one <see cref="Made"/> that reads x.
///
/// Density direction (Inverse, x to z) is one parallel MADE pass: z_i = (x_i - mu_i(x_&lt;i)) exp(-alpha_i(x_&lt;i)),
/// log|det dz/dx| = -sum alpha. Sampling direction (Forward, z to x) is sequential: D MADE passes, because x_i needs
/// x_&lt;i first. So MAF is fast to fit by maximum likelihood and slow to sample; <see cref="InverseAutoregressiveFlow"/>
/// is the other way round. Starts as the identity (MADE's last layer is zero).
/// </summary>
public sealed class MaskedAutoregressiveFlow : FlowLayer<MaskedAutoregressiveFlowSpec>
{
    readonly Made made;

    public MaskedAutoregressiveFlow(MaskedAutoregressiveFlowSpec spec) : base(spec)
    {
        made = AutoregressiveAffine.CreateMade(spec.Shape, spec.Order, spec.Net, spec.Bound, spec.Clamp, nameof(MaskedAutoregressiveFlow));
        RegisterComponents();
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z) =>
        AutoregressiveAffine.Solve(made, z, (mu, alpha) => AutoregressiveAffine.Scale(z, mu, alpha));

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        var (mu, alpha) = made.call(x);
        return AutoregressiveAffine.Unscale(x, mu, alpha);
    }
}
