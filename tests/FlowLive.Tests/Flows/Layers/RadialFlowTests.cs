using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class RadialFlowTests
{
    static RadialFlow WithParameters(double[] z0, double alphaRaw, double betaRaw)
    {
        var layer = new RadialFlow(new RadialFlowSpec { Shape = Shape.Vector(z0.Length) });
        layer.to(float64);
        using var _ = no_grad();
        var parameters = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        parameters["z0"].copy_(tensor(z0));
        parameters["alphaRaw"].copy_(tensor(new[] { alphaRaw }));
        parameters["betaRaw"].copy_(tensor(new[] { betaRaw }));
        return layer;
    }

    static double Softplus(double v) => Math.Log(1 + Math.Exp(v));

    [Fact]
    public void Starts_as_the_identity()
    {
        using var layer = new RadialFlow(new RadialFlowSpec { Shape = Shape.Vector(3) });
        layer.to(float64);
        using var scope = NewDisposeScope();
        var z = randn(5, 3, dtype: float64);

        var (x, logDet) = layer.Forward(z);

        Numeric.AssertClose(z, x, 1e-15, "new radial flow");
        Numeric.AssertClose(zeros(5, dtype: float64), logDet, 1e-15, "log-det of a new radial flow");
    }

    [Fact]
    public void Matches_the_closed_form_of_section_4_1()
    {
        // alpha = softplus(0) = log 2; beta_raw chosen so that beta = -alpha + softplus(beta_raw) = 1.
        double alpha = Math.Log(2), betaRaw = Math.Log(Math.Exp(1 + alpha) - 1);
        using var layer = WithParameters([1, -1], 0, betaRaw);
        using var scope = NewDisposeScope();
        // z - z0 = (3, 4), r = 5, h = 1 / (alpha + 5), h' = -h^2.
        double h = 1 / (alpha + 5);
        var expectedX = tensor(new[] { 1 + 3 * (1 + h), -1 + 4 * (1 + h) }).reshape(1, 2);
        double expectedLogDet = Math.Log(1 + h) + Math.Log(1 + h - h * h * 5);

        var (x, logDet) = layer.Forward(tensor(new[] { 4.0, 3.0 }).reshape(1, 2));

        Numeric.AssertClose(expectedX, x, 1e-12, "radial flow output");
        Assert.Equal(expectedLogDet, logDet.ToDouble(), 12);
    }

    [Theory]
    [InlineData(0.0, -50.0)]   // beta as close to -alpha as softplus allows
    [InlineData(5.0, -1e3)]    // large alpha, beta = -alpha in floating point
    [InlineData(-5.0, -30.0)]  // small alpha
    [InlineData(-2.0, 20.0)]   // strong expansion
    public void Beta_stays_at_least_minus_alpha_so_rays_are_not_folded(double alphaRaw, double betaRaw)
    {
        using var layer = WithParameters([0.5, -0.5, 1], alphaRaw, betaRaw);
        using var scope = NewDisposeScope();
        var direction = tensor(new[] { 2.0, -1.0, 2.0 }) / 3;
        var r = linspace(1e-3, 10, 2000, dtype: float64);
        var z = tensor(new[] { 0.5, -0.5, 1 }) + r.unsqueeze(1) * direction;

        var (x, logDet) = layer.Forward(z);

        // x - z0 = (1 + beta h(r)) (z - z0): the factor must stay >= 0 (beta >= -alpha) and the radius must grow with r.
        var offset = x - tensor(new[] { 0.5, -0.5, 1 });
        using var along = offset.matmul(direction).min();
        Assert.True(along.ToDouble() >= 0, $"a point crossed z0: smallest projection {along.ToDouble():E3}");
        var radius = linalg.vector_norm(offset, dims: [1]);
        using var smallestStep = radius.diff().min();
        Assert.True(smallestStep.ToDouble() >= 0, $"radius is not increasing along a ray: step {smallestStep.ToDouble():E3}");
        double alpha = Softplus(alphaRaw), beta = -alpha + Softplus(betaRaw);
        Assert.True(beta >= -alpha, $"beta {beta} < -alpha {-alpha}");
        Assert.True(logDet.isfinite().all().ToBoolean(), "log-det should be finite for every r > 0");
    }

    [Fact]
    public void Has_no_inverse()
    {
        using var layer = new RadialFlow(new RadialFlowSpec { Shape = Shape.Vector(2) });
        using var x = zeros(3, 2);
        Assert.False(layer.HasInverse);
        var e = Assert.Throws<InverseNotAvailableException>(() => layer.Inverse(x));
        Assert.Contains("RadialFlow", e.Message);
    }

    [Fact]
    public void Rejects_images_naming_the_shape()
    {
        var e = Assert.Throws<FlowShapeException>(() => new RadialFlow(new RadialFlowSpec { Shape = Shape.Image(1, 4, 4) }));
        Assert.Contains("[1, 4, 4]", e.Message);
        Assert.Contains("[D]", e.Message);
    }
}
