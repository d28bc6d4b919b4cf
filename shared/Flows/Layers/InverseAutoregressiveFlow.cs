using FlowLive.Flows.Nets;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("iaf")]
public sealed record InverseAutoregressiveFlowSpec : LayerSpec
{
    /// <summary>The autoregressive order: Order[k] is conditioned on Order[0..k-1]. Saved, never re-drawn.</summary>
    public required int[] Order { get; init; }
    /// <summary>MADE's hidden width, hidden layers and activation; hidden &gt;= D - 1 keeps every dependency.</summary>
    public SubnetSpec Net { get; init; } = new();
    public ScaleBound Bound { get; init; } = ScaleBound.Tanh;
    /// <summary>Log-scales stay within (-Clamp, Clamp).</summary>
    public double Clamp { get; init; } = 2.0;
    public override FlowLayer Build() => new InverseAutoregressiveFlow(this);

    /// <summary>The natural order 0, 1, .., D-1.</summary>
    public static InverseAutoregressiveFlowSpec Natural(Shape shape) =>
        new() { Shape = shape, Order = Made.NaturalOrder(AutoregressiveAffine.Features(shape, nameof(InverseAutoregressiveFlow))) };

    /// <summary>A random order drawn once from <paramref name="seed"/> and stored in the spec.</summary>
    public static InverseAutoregressiveFlowSpec Random(Shape shape, int seed) =>
        new() { Shape = shape, Order = Made.RandomOrder(AutoregressiveAffine.Features(shape, nameof(InverseAutoregressiveFlow)), seed) };
}

/// <summary>
/// Inverse autoregressive flow (Kingma et al. 2016, sections 3-4), on vectors [D]:
/// x_i = z_i exp(alpha_i(z_&lt;i)) + mu_i(z_&lt;i), with (mu, alpha) from one <see cref="Made"/> that reads z.
///
/// The inverse arrangement of <see cref="MaskedAutoregressiveFlow"/>: sampling (Forward, z to x) is one parallel MADE
/// pass with log|det dx/dz| = sum alpha; density evaluation (Inverse, x to z) is sequential, D MADE passes, since
/// z_i = (x_i - mu_i(z_&lt;i)) exp(-alpha_i(z_&lt;i)) needs z_&lt;i first. Fast to sample and to fit by reverse KL,
/// slow to evaluate densities of data. Starts as the identity (MADE's last layer is zero).
/// </summary>
public sealed class InverseAutoregressiveFlow : FlowLayer<InverseAutoregressiveFlowSpec>
{
    readonly Made made;

    public InverseAutoregressiveFlow(InverseAutoregressiveFlowSpec spec) : base(spec)
    {
        made = AutoregressiveAffine.CreateMade(spec.Shape, spec.Order, spec.Net, spec.Bound, spec.Clamp, nameof(InverseAutoregressiveFlow));
        RegisterComponents();
    }

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        var (mu, alpha) = made.call(z);
        return AutoregressiveAffine.Scale(z, mu, alpha);
    }

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x) =>
        AutoregressiveAffine.Solve(made, x, (mu, alpha) => AutoregressiveAffine.Unscale(x, mu, alpha));
}
