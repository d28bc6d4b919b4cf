using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using static FlowLive.Tests.Flows.Layers.MaskedAutoregressiveFlowTests;

namespace FlowLive.Tests.Flows.Layers;

public sealed class InverseAutoregressiveFlowTests
{
    static readonly SubnetSpec Made8 = new() { Hidden = 8, Depth = 2 };

    /// <summary>An IAF and a MAF of the same order with the same (random) MADE weights.</summary>
    static (InverseAutoregressiveFlow iaf, MaskedAutoregressiveFlow maf) Pair(int d, int seed)
    {
        var order = Made.RandomOrder(d, seed);
        var iaf = Randomised<InverseAutoregressiveFlow>(new InverseAutoregressiveFlowSpec { Shape = Shape.Vector(d), Order = order, Net = Made8 }, seed);
        var maf = (MaskedAutoregressiveFlow)new MaskedAutoregressiveFlowSpec { Shape = Shape.Vector(d), Order = order, Net = Made8 }.Build();
        maf.to(float64);
        maf.load_state_dict(iaf.state_dict());
        return (iaf, maf);
    }

    [Fact]
    public void A_new_layer_is_the_identity()
    {
        using var layer = InverseAutoregressiveFlowSpec.Natural(Shape.Vector(3)).Build();
        using var scope = NewDisposeScope();
        var z = randn(6, 3);
        Numeric.AssertBitIdentical(z, layer.Forward(z).x, "Forward at initialisation");
        Numeric.AssertBitIdentical(z, layer.Inverse(z).z, "Inverse at initialisation");
    }

    [Fact]
    public void Forward_equals_the_closed_form_from_one_MADE_pass()
    {
        var (iaf, maf) = Pair(5, seed: 1);
        using var _iaf = iaf;
        using var _maf = maf;
        using var scope = NewDisposeScope();
        var z = randn([8, 5], dtype: float64, generator: new Generator(2));
        var (mu, alpha) = MadeOf(iaf).call(z);
        var (x, logDet) = iaf.Forward(z);
        Numeric.AssertClose(z * alpha.exp() + mu, x, 1e-14, "x = z exp(alpha(z)) + mu(z)");
        Numeric.AssertClose(alpha.sum(1), logDet, 1e-14, "log|det dx/dz| = sum alpha(z)");
    }

    /// <summary>
    /// IAF and MAF with the same MADE are the same affine autoregressive map with the conditioner on opposite sides:
    /// IAF's MADE reads z, MAF's reads x. So the cheap (one-pass) direction of each evaluates MADE on its own input
    /// with the same (mu, alpha), and the expensive (D-pass) direction of each solves for the side MADE reads.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void IAF_is_MAF_with_the_conditioner_on_the_other_side(int d)
    {
        var (iaf, maf) = Pair(d, seed: 3);
        using var _iaf = iaf;
        using var _maf = maf;
        using var scope = NewDisposeScope();
        var u = randn([8, d], dtype: float64, generator: new Generator(4));
        var (mu, alpha) = MadeOf(iaf).call(u);

        // Parallel directions on the same input u: one MADE pass each, opposite log-dets.
        var (iafX, iafLogDet) = iaf.Forward(u);
        var (mafZ, mafLogDet) = maf.Inverse(u);
        Numeric.AssertClose(u * alpha.exp() + mu, iafX, 1e-14, "IAF.Forward(u)");
        Numeric.AssertClose((u - mu) * (-alpha).exp(), mafZ, 1e-14, "MAF.Inverse(u)");
        Numeric.AssertClose(-mafLogDet, iafLogDet, 1e-14, "IAF forward log-det vs minus MAF inverse log-det");

        // Sequential directions: both solve x = z exp(alpha(c)) + mu(c), MAF for c = x, IAF for c = z.
        var mafX = maf.Forward(u).x;
        var (muX, alphaX) = MadeOf(maf).call(mafX);
        Numeric.AssertClose(u * alphaX.exp() + muX, mafX, 1e-13, "MAF.Forward: x = z exp(alpha(x)) + mu(x)");
        var iafZ = iaf.Inverse(u).z;
        var (muZ, alphaZ) = MadeOf(iaf).call(iafZ);
        Numeric.AssertClose(iafZ * alphaZ.exp() + muZ, u, 1e-13, "IAF.Inverse: x = z exp(alpha(z)) + mu(z)");

        // Costs are mirrored: IAF samples in one pass and evaluates densities in D; MAF the other way round.
        Assert.Equal(1, Passes(iaf, () => iaf.Forward(u)));
        Assert.Equal(d, Passes(iaf, () => iaf.Inverse(u)));
        Assert.Equal(d, Passes(maf, () => maf.Forward(u)));
        Assert.Equal(1, Passes(maf, () => maf.Inverse(u)));

        // The first dimension in the order has a constant conditioner, so there the two layers agree exactly.
        int first = iaf.Spec is InverseAutoregressiveFlowSpec s ? s.Order[0] : -1;
        Numeric.AssertClose(mafX.select(1, first), iafX.select(1, first), 1e-14, "first dimension in the order");
        if (d > 1) Assert.True(Numeric.MaxAbsDiff(mafX, iafX) > 1e-3, "MAF and IAF differ beyond the first dimension");
    }

    [Fact]
    public void Rejects_images_naming_the_shapes()
    {
        var e = Assert.Throws<FlowShapeException>(() => InverseAutoregressiveFlowSpec.Random(Shape.Image(1, 4, 4), seed: 1));
        Assert.Contains("[D]", e.Message);
        Assert.Contains("[1, 4, 4]", e.Message);
    }
}
