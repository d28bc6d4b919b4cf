using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class InvertibleConv1x1Tests
{
    static InvertibleConv1x1 Perturbed(Shape shape, int seed)
    {
        var layer = (InvertibleConv1x1)InvertibleConv1x1Spec.Random(shape, seed).Build();
        layer.to(float64);
        using var g = new Generator(7);
        using var _ = no_grad();
        foreach (var p in layer.parameters()) p.add_(randn(p.shape, dtype: float64, generator: g) * 0.3);
        return layer;
    }

    [Fact]
    public void Equals_a_1x1_convolution_with_W_and_its_log_det_is_H_W_log_det_W()
    {
        using var scope = NewDisposeScope();
        using var layer = Perturbed(Shape.Image(4, 3, 5), seed: 1);
        var w = layer.Weight();
        var z = randn(new long[] { 2, 4, 3, 5 }, dtype: float64);

        var (x, logDet) = layer.Forward(z);

        Numeric.AssertClose(nn.functional.conv2d(z, w.view(4, 4, 1, 1)), x, 1e-12, "x vs conv2d(z, W)");
        var expected = linalg.slogdet(w).Item2 * 15;
        Numeric.AssertClose(expected.expand(2), logDet, 1e-10, "log-det vs H W log|det W|");
        Numeric.AssertClose(z, layer.Inverse(x).z, 1e-10, "inverse of the convolution");
    }

    [Fact]
    public void Shares_the_LU_initialisation_of_InvertibleLinear()
    {
        using var scope = NewDisposeScope();
        using var conv = (InvertibleConv1x1)InvertibleConv1x1Spec.Random(Shape.Image(5, 2, 2), seed: 8).Build();
        using var linear = (InvertibleLinear)InvertibleLinearSpec.Random(Shape.Vector(5), seed: 8).Build();
        Numeric.AssertBitIdentical(linear.Weight(), conv.Weight(), "W of the same size and seed");
    }

    [Fact]
    public void Rejects_vectors()
    {
        var e = Assert.Throws<FlowShapeException>(() => InvertibleConv1x1Spec.Random(Shape.Vector(4), 1).Build());
        Assert.Contains("[4]", e.Message);
    }
}
