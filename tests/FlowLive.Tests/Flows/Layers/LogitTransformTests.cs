using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class LogitTransformTests
{
    [Fact]
    public void Inverse_gives_the_logit_of_the_squeezed_pixel_and_its_exact_log_det()
    {
        using var scope = NewDisposeScope();
        using var layer = new LogitTransformSpec { Shape = Shape.Vector(4) }.Build();
        double[] pixels = [0, 0.5, 1, 0.25];

        var (z, logDet) = layer.Inverse(tensor(pixels).view(1, 4));

        double[] y = pixels.Select(p => 0.05 + 0.9 * p).ToArray();
        double[] expected = y.Select(v => Math.Log(v / (1 - v))).ToArray();
        double expectedLogDet = y.Sum(v => Math.Log(0.9) - Math.Log(v) - Math.Log(1 - v));
        Numeric.AssertClose(tensor(expected).view(1, 4), z, 1e-14, "logit(0.05 + 0.9 x)");
        Assert.Equal(expectedLogDet, logDet.ToDouble(), 12);
        Assert.Equal(0.0, z[0, 1].ToDouble()); // the middle grey maps to 0
    }

    [Fact]
    public void Forward_is_exact_and_finite_for_large_latents()
    {
        using var scope = NewDisposeScope();
        using var layer = new LogitTransformSpec { Shape = Shape.Vector(3), Alpha = 0.1 }.Build();
        double[] latents = [0, 2, -50];

        var (x, logDet) = layer.Forward(tensor(latents).view(1, 3));

        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        double[] expected = latents.Select(v => (Sigmoid(v) - 0.1) / 0.8).ToArray();
        // log sigmoid(-50) + log sigmoid(50) = -50 - 2 log(1 + e^-50), i.e. -50 to double precision.
        double expectedLogDet = Math.Log(0.25) + (Math.Log(Sigmoid(2)) + Math.Log(Sigmoid(-2))) - 50 - 3 * Math.Log(0.8);
        Numeric.AssertClose(tensor(expected).view(1, 3), x, 1e-14, "(sigmoid(z) - alpha) / (1 - 2 alpha)");
        Assert.Equal(expectedLogDet, logDet.ToDouble(), 10);
    }

    [Fact]
    public void Inverse_rejects_data_outside_its_domain()
    {
        using var scope = NewDisposeScope();
        using var layer = new LogitTransformSpec { Shape = Shape.Vector(2), Alpha = 0 }.Build();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Inverse(tensor(new[,] { { 0.5, 255.0 } })));
        Assert.Contains("255", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Inverse(tensor(new[,] { { 0.0, 0.5 } })));
    }

    [Fact]
    public void Rejects_alpha_outside_zero_to_a_half()
    {
        Assert.Contains("Alpha", Assert.Throws<ArgumentException>(() => new LogitTransformSpec { Shape = Shape.Vector(2), Alpha = 0.5 }.Build()).Message);
        Assert.Throws<ArgumentException>(() => new LogitTransformSpec { Shape = Shape.Vector(2), Alpha = -0.1 }.Build());
    }
}
