using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class PlanarFlowTests
{
    static PlanarFlow WithParameters(double[] u, double[] w, double b)
    {
        var layer = new PlanarFlow(new PlanarFlowSpec { Shape = Shape.Vector(u.Length) });
        layer.to(float64);
        using var _ = no_grad();
        var parameters = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        parameters["u"].copy_(tensor(u));
        parameters["w"].copy_(tensor(w));
        parameters["b"].copy_(tensor(new[] { b }));
        return layer;
    }

    /// <summary>The u_hat the layer uses, read from its output at z = 0: x = u_hat tanh(b).</summary>
    static Tensor UHatSeenAtOrigin(PlanarFlow layer, double b) =>
        layer.Forward(zeros(1, layer.LatentShape[0], dtype: float64)).x[0] / Math.Tanh(b);

    public static TheoryData<double[], double[]> Adversarial() => new()
    {
        { new[] { -100.0, -200.0 }, new[] { 1.0, 2.0 } },     // u far against w: w^T u = -500
        { new[] { -1e4, 3.0 }, new[] { 1e-3, 0.0 } },         // tiny w, huge opposing u
        { new[] { -1.0, 0.0 }, new[] { 1.0, 0.0 } },          // w^T u = -1: allowed by the paper, still moved inside
        { new[] { 5.0, -7.0, 2.0 }, new[] { -3.0, 4.0, 0.5 } },
    };

    [Theory, MemberData(nameof(Adversarial))]
    public void Constrained_u_keeps_w_dot_u_hat_above_minus_one_and_the_map_invertible(double[] u, double[] w)
    {
        const double b = 0.8;
        using var layer = WithParameters(u, w, b);
        using var scope = NewDisposeScope();
        var wTensor = tensor(w);

        using var wuHat = wTensor.dot(UHatSeenAtOrigin(layer, b));
        Assert.True(wuHat.ToDouble() >= -1 - 1e-9, $"w^T u_hat = {wuHat.ToDouble()} < -1");

        // Invertibility along w, the only direction the map bends: w^T x must increase with t for z = t w / |w|.
        var t = linspace(-20, 20, 4001, dtype: float64);
        var z = t.unsqueeze(1) * (wTensor / wTensor.norm());
        var (x, logDet) = layer.Forward(z);
        using var smallestStep = x.matmul(wTensor).diff().min();
        Assert.True(smallestStep.ToDouble() >= 0, $"w^T x decreases along w: step {smallestStep.ToDouble():E3}");
        Assert.True(logDet.isfinite().all().ToBoolean(), "log-det should be finite: 1 + u_hat^T psi(z) > 0 when w^T u_hat > -1");
    }

    [Fact]
    public void Matches_the_closed_form_of_section_4_1()
    {
        double[] u = [0.5, 1.0], w = [1.0, 0.0];
        const double b = 0.3;
        using var layer = WithParameters(u, w, b);
        using var scope = NewDisposeScope();
        // w^T u = 0.5, m = -1 + softplus(0.5); u_hat = u + (m - 0.5) w / |w|^2.
        double m = -1 + Math.Log(1 + Math.Exp(0.5));
        double[] uHat = [0.5 + (m - 0.5), 1.0];
        double[] z = [0.4, -1.2];
        double a = Math.Tanh(w[0] * z[0] + w[1] * z[1] + b);
        var expectedX = tensor(new[] { z[0] + uHat[0] * a, z[1] + uHat[1] * a }).reshape(1, 2);
        double expectedLogDet = Math.Log(Math.Abs(1 + (1 - a * a) * (w[0] * uHat[0] + w[1] * uHat[1])));

        var (x, logDet) = layer.Forward(tensor(z).reshape(1, 2));

        Numeric.AssertClose(expectedX, x, 1e-12, "planar flow output");
        Assert.Equal(expectedLogDet, logDet.ToDouble(), 12);
    }

    [Fact]
    public void Has_no_inverse()
    {
        using var layer = new PlanarFlow(new PlanarFlowSpec { Shape = Shape.Vector(2) });
        using var x = zeros(3, 2);
        Assert.False(layer.HasInverse);
        var e = Assert.Throws<InverseNotAvailableException>(() => layer.Inverse(x));
        Assert.Contains("PlanarFlow", e.Message);
    }

    [Fact]
    public void Rejects_images_naming_the_shape()
    {
        var e = Assert.Throws<FlowShapeException>(() => new PlanarFlow(new PlanarFlowSpec { Shape = Shape.Image(2, 3, 3) }));
        Assert.Contains("[2, 3, 3]", e.Message);
        Assert.Contains("[D]", e.Message);
    }
}
