using TorchSharp;
using FlowLive.Flows.Nets;
using FlowLive.Tests.Support;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows;

/// <summary>The coupling nets' linear layer: nn.Linear's values, gradients and weight names, whichever form it computes.</summary>
public sealed class NarrowLinearTests
{
    [Theory]
    [InlineData(1, 16, true)]
    [InlineData(16, 2, true)]
    [InlineData(16, 1, true)]
    [InlineData(16, 16, false)]
    [InlineData(2, 256, false)]
    public void Values_and_gradients_are_those_of_a_linear_layer(int inputs, int outputs, bool transposed)
    {
        using var layer = new NarrowLinear(inputs, outputs);
        layer.to(ScalarType.Float64);
        Assert.Equal(transposed, layer.Transposed);
        using var scope = NewDisposeScope();
        var x = randn([37, inputs], dtype: float64, generator: new Generator(3)).requires_grad_();
        var y = layer.forward(x);
        var expected = nn.functional.linear(x, layer.Weight, layer.Bias);
        Numeric.AssertClose(expected, y, 1e-12, "forward");
        var upstream = randn([37, outputs], dtype: float64, generator: new Generator(4));
        var grads = autograd.grad([y], [x, layer.Weight, layer.Bias], [upstream]);
        var expectedGrads = autograd.grad([expected], [x, layer.Weight, layer.Bias], [upstream]);
        for (int i = 0; i < 3; i++) Numeric.AssertClose(expectedGrads[i], grads[i], 1e-12, $"gradient {i}");
        using (no_grad()) // where the narrow forms are used
            Numeric.AssertClose(nn.functional.linear(x, layer.Weight, layer.Bias), layer.forward(x), 1e-12, "forward without gradients");
    }

    [Fact]
    public void Weights_carry_nn_Linear_names_and_shapes_so_model_files_are_unchanged()
    {
        using var layer = new NarrowLinear(1, 16);
        var names = layer.named_parameters().Select(p => (p.name, string.Join("x", p.parameter.shape))).ToList();
        Assert.Equal([("weight", "16x1"), ("bias", "16")], names);
    }
}
