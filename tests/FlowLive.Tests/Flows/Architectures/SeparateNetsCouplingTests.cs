using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Models;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Architectures;

/// <summary>
/// MaskedAffineCouplingSpec.SeparateNets: s from its own scale net (tanh-bounded), t from its own shift net, and specs
/// written before the option existed still read as one joint net and write the same JSON.
/// </summary>
public sealed class SeparateNetsCouplingTests
{
    static readonly SubnetSpec OneHidden = new() { Hidden = 4, Depth = 1 };

    static MaskedAffineCouplingSpec Keras2D(int[] mask) =>
        new() { Shape = Shape.Vector(2), Mask = mask, Net = OneHidden, SeparateNets = true, Bound = ScaleBound.Tanh, Clamp = 1 };

    static void SetLastBias(FlowLayer layer, string net, double[] bias)
    {
        // Depth 1: Linear, ReLU, Linear; the last Linear starts at zero, so its bias alone decides the output.
        var p = layer.named_parameters().Single(n => n.name == $"{net}.2.bias").parameter;
        using var _ = no_grad();
        p.copy_(tensor(bias, dtype: p.dtype));
    }

    [Fact]
    public void The_log_scale_is_tanh_of_the_scale_net_and_the_shift_comes_from_the_shift_net()
    {
        using var layer = Keras2D([0, 1]).Build();
        layer.to(float64);
        SetLastBias(layer, "scaleNet", [0.7, 5.0]);
        SetLastBias(layer, "shiftNet", [-2.0, 3.0]);
        using var scope = NewDisposeScope();
        var z = tensor(new[] { 1.5, -0.5, 0.25, 2.0 }, dtype: float64).reshape(2, 2);

        var (x, logDet) = layer.Forward(z);

        // Element 0 is transformed: x0 = z0 exp(tanh 0.7) - 2; element 1 passes, so its s = tanh 5 and t = 3 are masked out.
        double scale = Math.Exp(Math.Tanh(0.7));
        var expected = tensor(new[] { 1.5 * scale - 2, -0.5, 0.25 * scale - 2, 2.0 }, dtype: float64).reshape(2, 2);
        Numeric.AssertClose(expected, x, 1e-12, "x");
        Numeric.AssertClose(tensor(new[] { Math.Tanh(0.7), Math.Tanh(0.7) }, dtype: float64), logDet, 1e-12, "log-det");
        Numeric.AssertClose(z, layer.Inverse(x).z, 1e-12, "inverse");
    }

    [Fact]
    public void Separate_nets_map_the_full_vector_to_itself_and_a_joint_net_to_twice_its_size()
    {
        var mask = new[] { 1, 0 };
        using var separate = Keras2D(mask).Build();
        using var joint = (Keras2D(mask) with { SeparateNets = false }).Build();

        var separateShapes = separate.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(["scaleNet.0.bias", "scaleNet.0.weight", "scaleNet.2.bias", "scaleNet.2.weight",
                      "shiftNet.0.bias", "shiftNet.0.weight", "shiftNet.2.bias", "shiftNet.2.weight"], separateShapes.Keys.Order());
        Assert.Equal(new long[] { 2, 4 }, separateShapes["scaleNet.2.weight"]);
        Assert.Equal(new long[] { 2, 4 }, separateShapes["shiftNet.2.weight"]);

        var jointShapes = joint.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(["net.0.bias", "net.0.weight", "net.2.bias", "net.2.weight"], jointShapes.Keys.Order());
        Assert.Equal(new long[] { 4, 4 }, jointShapes["net.2.weight"]);
    }

    [Fact]
    public void Specs_written_before_the_option_read_as_one_joint_net_and_write_unchanged()
    {
        // A masked coupling as model files stored it before SeparateNets existed.
        const string old = """
            {
              "kind": "masked_affine_coupling",
              "mask": [1, 0],
              "net": { "hidden": 4, "depth": 1, "activation": "relu" },
              "bound": "tanh",
              "clamp": 2,
              "shape": [2]
            }
            """;
        var spec = Assert.IsType<MaskedAffineCouplingSpec>(SpecJson.Deserialize<LayerSpec>(old));
        Assert.False(spec.SeparateNets);
        string written = SpecJson.Serialize<LayerSpec>(spec);
        Assert.DoesNotContain("separate_nets", written);
        Assert.Equal(SpecJson.Serialize<LayerSpec>(spec), SpecJson.Serialize<LayerSpec>(SpecJson.Deserialize<LayerSpec>(written)));
        using var layer = spec.Build();
        Assert.All(layer.named_parameters(), p => Assert.StartsWith("net.", p.name));

        string separate = SpecJson.Serialize<LayerSpec>(spec with { SeparateNets = true });
        Assert.Contains("\"separate_nets\": true", separate);
        Assert.True(Assert.IsType<MaskedAffineCouplingSpec>(SpecJson.Deserialize<LayerSpec>(separate)).SeparateNets);
    }
}
