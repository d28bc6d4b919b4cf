using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Models;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class MaskedAutoregressiveFlowTests
{
    /// <summary>A float64 layer whose weights are seeded random values, so it is far from the identity.</summary>
    internal static T Randomised<T>(LayerSpec spec, int seed) where T : FlowLayer
    {
        var layer = (T)spec.Build();
        layer.to(float64);
        using var generator = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var p in layer.parameters()) p.copy_(randn(p.shape, dtype: float64, generator: generator) * 0.5);
        return layer;
    }

    internal static Made MadeOf(FlowLayer layer) => (Made)layer.named_children().Single(c => c.name == "made").module;

    /// <summary>Counts MADE passes while <paramref name="action"/> runs.</summary>
    internal static int Passes(FlowLayer layer, Action action)
    {
        int passes = 0;
        var hook = MadeOf(layer).register_forward_hook(_ => passes++);
        try
        {
            action();
        }
        finally
        {
            hook.remove();
        }
        return passes;
    }

    static MaskedAutoregressiveFlowSpec Spec(int d, int seed) =>
        MaskedAutoregressiveFlowSpec.Random(Shape.Vector(d), seed) with { Net = new SubnetSpec { Hidden = 8, Depth = 2 } };

    [Fact]
    public void A_new_layer_is_the_identity()
    {
        using var layer = Spec(4, seed: 1).Build();
        using var scope = NewDisposeScope();
        var z = randn(6, 4);
        var (x, logDet) = layer.Forward(z);
        Numeric.AssertBitIdentical(z, x, "Forward at initialisation");
        Numeric.AssertClose(zeros(6), logDet, 0, "log-det at initialisation");
        Numeric.AssertBitIdentical(z, layer.Inverse(z).z, "Inverse at initialisation");
    }

    [Fact]
    public void Inverse_equals_the_closed_form_from_one_MADE_pass()
    {
        using var layer = Randomised<MaskedAutoregressiveFlow>(Spec(5, seed: 2), seed: 3);
        using var scope = NewDisposeScope();
        var x = randn([8, 5], dtype: float64, generator: new Generator(4));
        var (mu, alpha) = MadeOf(layer).call(x);
        var (z, logDet) = layer.Inverse(x);
        Numeric.AssertClose((x - mu) * (-alpha).exp(), z, 1e-14, "z = (x - mu(x)) exp(-alpha(x))");
        Numeric.AssertClose(-alpha.sum(1), logDet, 1e-14, "log|det dz/dx| = -sum alpha(x)");
        Assert.True(alpha.abs().max().ToDouble() > 0.1, "the test wants non-trivial log-scales");
    }

    [Fact]
    public void Forward_solves_the_sampling_recursion_with_MADE_reading_x()
    {
        using var layer = Randomised<MaskedAutoregressiveFlow>(Spec(5, seed: 2), seed: 5);
        using var scope = NewDisposeScope();
        var z = randn([8, 5], dtype: float64, generator: new Generator(6));
        var (x, logDet) = layer.Forward(z);
        var (mu, alpha) = MadeOf(layer).call(x);
        Numeric.AssertClose(z * alpha.exp() + mu, x, 1e-13, "x = z exp(alpha(x)) + mu(x)");
        Numeric.AssertClose(alpha.sum(1), logDet, 1e-13, "log|det dx/dz| = sum alpha(x)");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Density_takes_one_MADE_pass_and_sampling_takes_D(int d)
    {
        using var layer = Randomised<MaskedAutoregressiveFlow>(Spec(d, seed: 3), seed: 7);
        using var scope = NewDisposeScope();
        var z = randn(4, d, dtype: float64);
        Tensor x = null!;
        Assert.Equal(d, Passes(layer, () => x = layer.Forward(z).x));
        Assert.Equal(1, Passes(layer, () => layer.Inverse(x)));
    }

    [Fact]
    public void Rejects_images_naming_the_shapes()
    {
        var image = Shape.Image(2, 3, 3);
        var e = Assert.Throws<FlowShapeException>(() => MaskedAutoregressiveFlowSpec.Natural(image));
        Assert.Contains("[D]", e.Message);
        Assert.Contains("[2, 3, 3]", e.Message);
        e = Assert.Throws<FlowShapeException>(() => new MaskedAutoregressiveFlowSpec { Shape = image, Order = [0, 1] }.Build());
        Assert.Contains("[2, 3, 3]", e.Message);
    }

    [Fact]
    public void Rejects_an_order_of_the_wrong_length()
    {
        var e = Assert.Throws<ArgumentException>(() => new MaskedAutoregressiveFlowSpec { Shape = Shape.Vector(3), Order = [1, 0] }.Build());
        Assert.Contains("expected 3", e.Message);
    }

    [Fact]
    public void The_random_order_is_drawn_once_and_kept_in_the_spec()
    {
        var spec = MaskedAutoregressiveFlowSpec.Random(Shape.Vector(8), seed: 9);
        Assert.Equal(Made.RandomOrder(8, 9), spec.Order);
        Assert.NotEqual(Made.NaturalOrder(8), spec.Order);
        string json = SpecJson.Serialize<LayerSpec>(spec);
        Assert.Contains("\"kind\": \"maf\"", json);
        var back = (MaskedAutoregressiveFlowSpec)SpecJson.Deserialize<LayerSpec>(json);
        Assert.Equal(spec.Order, back.Order);
        Assert.Equal(json, SpecJson.Serialize<LayerSpec>(back));
    }
}
