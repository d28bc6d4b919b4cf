using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Models;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows;

public sealed class BaseDistributionTests
{
    static Tensor Points() => randn(40, 2, dtype: float64, generator: new Generator(5)) * 3;

    static Tensor GaussianLogPdf(Tensor x, double[] mean, double[] std) =>
        (-0.5 * ((x - tensor(mean)) / tensor(std)).pow(2) - tensor(std).log() - 0.5 * Math.Log(2 * Math.PI)).sum(1);

    [Fact]
    public void Standard_normal_density_is_exact()
    {
        using var scope = NewDisposeScope();
        var normal = new StandardNormal(Shape.Vector(2));
        normal.to(float64);
        var x = Points();
        Numeric.AssertClose(GaussianLogPdf(x, [0, 0], [1, 1]), normal.LogProb(x), 1e-12, "N(0, I)");
    }

    [Fact]
    public void Diagonal_gaussian_density_is_exact()
    {
        using var scope = NewDisposeScope();
        var gaussian = new DiagonalGaussianSpec { Shape = Shape.Vector(2), Loc = [1, -1], LogScale = [Math.Log(2), Math.Log(0.5)], Learnable = false }.Build();
        gaussian.to(float64);
        var x = Points();
        Numeric.AssertClose(GaussianLogPdf(x, [1, -1], [2, 0.5]), gaussian.LogProb(x), 1e-12, "N(mu, diag sigma^2)");
    }

    [Fact]
    public void Gaussian_mixture_density_is_the_weighted_sum_of_its_components()
    {
        using var scope = NewDisposeScope();
        var mixture = new GaussianMixtureSpec { Shape = Shape.Vector(2), Means = [[-2, 0], [2, 1]], Scales = [0.5, 1.5], Weights = [1, 3] }.Build();
        mixture.to(float64);
        var x = Points();
        var expected = (0.25 * GaussianLogPdf(x, [-2, 0], [0.5, 0.5]).exp() + 0.75 * GaussianLogPdf(x, [2, 1], [1.5, 1.5]).exp()).log();
        Numeric.AssertClose(expected, mixture.LogProb(x), 1e-12, "mixture density");
    }

    [Fact]
    public void Bimodal_mixture_samples_both_modes_and_cold_samples_sit_on_them()
    {
        using var scope = NewDisposeScope();
        var mixture = GaussianMixtureSpec.Bimodal(Shape.Vector(2), separation: 6).Build();
        var samples = mixture.Sample(20_000, seed: 3);
        double right = (samples[.., 0] > 0).to(float64).mean().ToDouble();
        Assert.InRange(right, 0.47, 0.53);
        var cold = mixture.Sample(100, temperature: 0, seed: 3);
        Numeric.AssertClose(full(100, 3.0), cold[.., 0].abs(), 1e-6, "temperature 0 gives the component means");
    }

    [Fact]
    public void Base_specs_round_trip_through_json()
    {
        BaseSpec[] specs =
        [
            new StandardNormalSpec { Shape = Shape.Image(1, 2, 2) },
            new DiagonalGaussianSpec { Shape = Shape.Vector(2), Loc = [1, 2] },
            GaussianMixtureSpec.Bimodal(Shape.Vector(3)),
        ];
        foreach (var spec in specs)
        {
            string json = SpecJson.Serialize(spec);
            Assert.Equal(json, SpecJson.Serialize(SpecJson.Deserialize<BaseSpec>(json)));
        }
    }

    [Fact]
    public void A_learnable_mixture_leaves_nothing_alive_once_disposed()
    {
        // Its initial values pass through several intermediate tensors; they must not outlive the constructor.
        LiveTensors.AssertNoLeak(() =>
        {
            using var mixture = new GaussianMixtureSpec { Shape = Shape.Vector(2), Means = [[-2, 0], [2, 1]], Scales = [0.5, 1.5], Weights = [1, 3], Learnable = true }.Build();
            Assert.Equal(3, mixture.parameters().Count());
        }, "a learnable Gaussian mixture");
    }
}
