using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Tests.Support;
using FlowLive.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows;

/// <summary>
/// Public helpers that return tensors own a dispose scope: called with no scope around them, they leave alive only
/// the tensors they return (disposed here), whatever temporaries they made.
/// </summary>
public sealed class HelperScopeTests
{
    static void AssertOnlyResultsSurvive(Func<Tensor[]> call, string what)
    {
        using var generator = new Generator(1);
        LiveTensors.AssertNoLeak(() =>
        {
            foreach (var result in call()) result.Dispose();
        }, what);
    }

    [Fact]
    public void Spline_forward_and_inverse_free_their_temporaries()
    {
        using var x = linspace(-4, 4, 12, dtype: float64).reshape(3, 4);
        using var w = full([3, 4, 5], 0.3, dtype: float64);
        using var h = full([3, 4, 5], -0.2, dtype: float64);
        using var d = full([3, 4, 4], 0.1, dtype: float64);
        AssertOnlyResultsSurvive(() => { var (y, l) = RationalQuadraticSpline.Forward(x, w, h, d, 3.0); return [y, l]; }, "spline Forward");
        AssertOnlyResultsSurvive(() => { var (y, l) = RationalQuadraticSpline.Inverse(x, w, h, d, 3.0); return [y, l]; }, "spline Inverse");
    }

    [Fact]
    public void Scale_bounds_free_their_temporaries_and_none_returns_its_input()
    {
        using var raw = linspace(-10, 10, 7);
        AssertOnlyResultsSurvive(() => [ScaleBound.Tanh.Apply(raw, 2.0)], "tanh bound");
        AssertOnlyResultsSurvive(() => [ScaleBound.SoftClamp.Apply(raw, 2.0)], "soft clamp");
        Assert.Same(raw, ScaleBound.None.Apply(raw, 2.0));
        using var bounded = ScaleBound.Tanh.Apply(raw, 2.0);
        Assert.True(bounded.abs().max().ToDouble() < 2.0);
    }

    [Fact]
    public void Spectral_normalisation_frees_its_temporaries()
    {
        using var linear = new SpectralLinear(4, 3, zeroInit: false);
        AssertOnlyResultsSurvive(() => [linear.Normalised(0.9, 5, keepEstimate: false).weight], "Normalised in evaluation");
        AssertOnlyResultsSurvive(() => [linear.Normalised(0.9, 5, keepEstimate: true).weight], "Normalised in training");
    }

    [Fact]
    public void Energy_targets_and_bits_per_dim_free_their_temporaries()
    {
        using var z = linspace(-2, 2, 10).reshape(5, 2);
        foreach (string target in EnergyTargets.Names)
            AssertOnlyResultsSurvive(() => [EnergyTargets.LogDensity(target, z)], $"target {target}");
        using var logProb = linspace(-900, -100, 4, dtype: float64);
        AssertOnlyResultsSurvive(() => [Likelihood.BitsPerDim(logProb, 784)], "bits per dim");
        using var uniform = Likelihood.BitsPerDim(zeros(1, dtype: float64), 784);
        Assert.Equal(8.0, uniform.ToDouble(), 12);
    }
}
