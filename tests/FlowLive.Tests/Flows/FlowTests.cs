using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows;

/// <summary>The flow as a whole: exact densities, sampling, tracing, prefixes, shape checks and memory.</summary>
public sealed class FlowTests
{
    static readonly double[] Mean = [1.5, -2.0, 0.25];
    static readonly double[] LogStd = [0.5, -0.7, 0.0];

    /// <summary>x = exp(s) z + t with z ~ N(0, I): the flow must be exactly N(t, diag(exp(2 s))).</summary>
    static Flow GaussianFlow()
    {
        var shape = Shape.Vector(3);
        var flow = new Flow(new StandardNormal(shape),
            [new Scale(new ScaleSpec { Shape = shape, LogScale = LogStd }), new Translate(new TranslateSpec { Shape = shape, Shift = Mean })]);
        return flow.To(CPU, ScalarType.Float64);
    }

    [Fact]
    public void Fixed_scale_and_translate_flow_has_exactly_the_gaussian_density()
    {
        using var flow = GaussianFlow();
        using var scope = NewDisposeScope();
        var x = randn(50, 3, dtype: float64, generator: new Generator(3)) * 2;
        var mean = tensor(Mean);
        var std = tensor(LogStd).exp();
        var expected = (-0.5 * ((x - mean) / std).pow(2) - std.log() - 0.5 * Math.Log(2 * Math.PI)).sum(1);
        Numeric.AssertClose(expected, flow.LogProb(x), 1e-12, "log p(x) vs the Gaussian's closed form");
    }

    [Fact]
    public void Samples_have_the_gaussians_mean_and_spread_and_a_seed_repeats_them()
    {
        using var flow = GaussianFlow();
        using var scope = NewDisposeScope();
        var samples = flow.Sample(200_000, seed: 11);
        Numeric.AssertClose(tensor(Mean), samples.mean([0]), 0.02, "sample mean");
        Numeric.AssertClose(tensor(LogStd).exp(), samples.std(0), 0.02, "sample standard deviation");
        Numeric.AssertBitIdentical(flow.Sample(10, seed: 5), flow.Sample(10, seed: 5), "same seed");
        Assert.True(Numeric.MaxAbsDiff(flow.Sample(10, seed: 5), flow.Sample(10, seed: 6)) > 0.01, "different seeds must differ");
    }

    [Fact]
    public void Temperature_scales_the_spread_and_zero_gives_the_mode_path()
    {
        using var flow = GaussianFlow();
        using var scope = NewDisposeScope();
        var cold = flow.Sample(4, temperature: 0, seed: 1);
        Numeric.AssertClose(tensor(Mean).expand(4, 3), cold, 1e-12, "temperature 0 decodes the base mode");
        var half = flow.Sample(100_000, temperature: 0.5, seed: 2);
        Numeric.AssertClose(tensor(LogStd).exp() * 0.5, half.std(0), 0.01, "temperature 0.5 halves the spread");
        Assert.Throws<ArgumentOutOfRangeException>(() => flow.Sample(4, temperature: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => flow.Sample(0));
    }

    [Fact]
    public void Trace_starts_at_the_base_and_ends_at_the_sample()
    {
        using var flow = GaussianFlow();
        using var scope = NewDisposeScope();
        var z = flow.Base.Sample(8, seed: 4);
        var states = flow.Trace(z);
        Assert.Equal(flow.LayerCount + 1, states.Count);
        Numeric.AssertBitIdentical(z, states[0], "first state is the base sample");
        Numeric.AssertBitIdentical(flow.Decode(z).x, states[^1], "last state is the decoded sample");
        Numeric.AssertBitIdentical(flow.Sample(8, seed: 4), states[^1], "last state equals Sample with the same seed");
        Numeric.AssertClose(z * tensor(LogStd).exp(), states[1], 1e-12, "state after the scale layer");
    }

    [Fact]
    public void Prefix_runs_the_first_k_layers_and_shares_weights()
    {
        using var flow = GaussianFlow();
        using var scope = NewDisposeScope();
        var z = flow.Base.Sample(5, seed: 9);
        var states = flow.Trace(z);
        for (int k = 0; k <= flow.LayerCount; k++)
        {
            var prefix = flow.Prefix(k);
            Assert.Equal(k, prefix.LayerCount);
            Numeric.AssertBitIdentical(states[k], prefix.Decode(z).x, $"prefix of {k} layers");
            prefix.Dispose(); // a prefix does not own the weights: the flow must still work
        }
        Numeric.AssertBitIdentical(states[^1], flow.Decode(z).x, "flow after its prefixes were disposed");
        Assert.Throws<ArgumentOutOfRangeException>(() => flow.Prefix(3));
    }

    [Fact]
    public void Sample_with_log_prob_agrees_with_log_prob()
    {
        using var flow = GaussianFlow();
        using var scope = NewDisposeScope();
        var (x, logProb) = flow.SampleWithLogProb(16, seed: 8);
        Numeric.AssertClose(flow.LogProb(x), logProb, 1e-10, "log p from the sampling pass vs from encoding");
    }

    [Fact]
    public void Mismatched_shapes_fail_when_the_flow_is_built_naming_both_shapes()
    {
        var error = Assert.Throws<FlowShapeException>(() => new Flow(new StandardNormal(Shape.Vector(3)),
            [new Translate(new TranslateSpec { Shape = Shape.Vector(3) }), new Translate(new TranslateSpec { Shape = Shape.Vector(4) })]));
        Assert.Contains("layer 1 (Translate)", error.Message);
        Assert.Contains("[4]", error.Message);
        Assert.Contains("[3]", error.Message);
    }

    [Fact]
    public void Tensors_of_the_wrong_shape_are_refused_with_the_expected_shape()
    {
        using var flow = GaussianFlow();
        using var x = randn(2, 4, dtype: float64);
        var error = Assert.Throws<FlowShapeException>(() => flow.LogProb(x));
        Assert.Contains("[batch, 3]", error.Message);
        Assert.Contains("[2, 4]", error.Message);
    }

    [Fact]
    public void Sample_log_prob_and_trace_leak_no_tensors()
    {
        using var flow = GaussianFlow();
        using var x = randn(32, 3, dtype: float64);
        LiveTensors.AssertNoLeak(() => flow.Sample(64, seed: 1).Dispose(), "Sample");
        LiveTensors.AssertNoLeak(() => flow.LogProb(x).Dispose(), "LogProb");
        LiveTensors.AssertNoLeak(() => { foreach (var s in flow.Trace(x)) s.Dispose(); }, "Trace");
        LiveTensors.AssertNoLeak(() => { var (z, d) = flow.Encode(x); z.Dispose(); d.Dispose(); }, "Encode");
    }
}
