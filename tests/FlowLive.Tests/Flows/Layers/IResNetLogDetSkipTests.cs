using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

/// <summary>
/// Sampling and traces discard log-dets, so i-ResNet skips its Hutchinson series there. The series is the only part
/// of a training-mode block that draws from torch's global generator (fresh probe vectors), so an untouched global
/// generator shows that it did not run; Forward, which needs the log-det, is the control that does draw.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class IResNetLogDetSkipTests
{
    static IResNetBlockSpec Spec() => new()
    {
        Shape = Shape.Vector(3),
        Net = new SubnetSpec { Hidden = 8, Depth = 2, Activation = Activation.Elu },
    };

    static IResNetBlock Block()
    {
        var layer = (IResNetBlock)Spec().Build();
        layer.to(float64);
        using var generator = new Generator(3);
        using (no_grad())
            foreach (var p in layer.parameters()) p.copy_(randn(p.shape, dtype: float64, generator: generator) * 0.4);
        return layer;
    }

    /// <summary>Whether <paramref name="action"/> drew from the global generator: the next draw after it differs from the one without it.</summary>
    static bool DrawsFromGlobalGenerator(Action action)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        var untouched = randn(4, dtype: float64);
        random.manual_seed(11);
        action();
        var after = randn(4, dtype: float64);
        return !untouched.data<double>().ToArray().SequenceEqual(after.data<double>().ToArray());
    }

    [Fact]
    public void Forward_without_log_det_gives_the_same_output_and_skips_the_series()
    {
        using var layer = Block();
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var z = randn([16, 3], dtype: float64, generator: generator);

        layer.train(false);
        Numeric.AssertBitIdentical(layer.Forward(z).x, layer.ForwardWithoutLogDet(z), "x with and without the log-det");

        layer.train(true);
        Assert.True(DrawsFromGlobalGenerator(() => layer.Forward(z)), "control: Forward's series draws probe vectors");
        Assert.False(DrawsFromGlobalGenerator(() => layer.ForwardWithoutLogDet(z)), "ForwardWithoutLogDet drew probe vectors");
    }

    [Fact]
    public void Flow_sample_and_trace_skip_the_series()
    {
        var shape = Shape.Vector(3);
        using var flow = new Flow(new StandardNormal(shape), [Block(), new ActNormSpec { Shape = shape }.Build(), Block()]);
        flow.To(CPU, ScalarType.Float64);
        flow.Train(true);
        using var scope = NewDisposeScope();
        using var generator = new Generator(9);
        var z = randn([8, 3], dtype: float64, generator: generator);

        Assert.True(DrawsFromGlobalGenerator(() => flow.SampleWithLogProb(8, seed: 1)), "control: SampleWithLogProb needs the log-det");
        Assert.False(DrawsFromGlobalGenerator(() => flow.Sample(8, seed: 1)), "Sample ran the log-det series");
        Assert.False(DrawsFromGlobalGenerator(() => flow.Trace(z)), "Trace ran the log-det series");

        flow.Train(false);
        Numeric.AssertBitIdentical(flow.Decode(z).x, flow.Trace(z)[^1], "the trace ends where Decode does");
        Numeric.AssertBitIdentical(flow.SampleWithLogProb(8, seed: 1).x, flow.Sample(8, seed: 1), "samples with and without log p");
    }
}
