using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class BatchNormFlowTests
{
    const double Epsilon = 1e-5;

    static Tensor Parameter(nn.Module module, string name) => module.named_parameters().Single(p => p.Item1 == name).Item2;
    static Tensor Buffer(nn.Module module, string name) => module.named_buffers().Single(p => p.Item1 == name).Item2;

    static Tensor SkewedVectors(long batch, long seed)
    {
        using var g = new Generator((ulong)seed);
        return randn(new long[] { batch, 3 }, dtype: float64, generator: g) * tensor(new[] { 2.0, 0.5, 3.0 }) + tensor(new[] { 1.0, -4.0, 0.0 });
    }

    static FlowLayer Layer(Shape shape, double momentum = 0.1)
    {
        var layer = new BatchNormFlowSpec { Shape = shape, Momentum = momentum, Epsilon = Epsilon }.Build();
        layer.to(float64);
        return layer;
    }

    [Fact]
    public void Training_inverse_normalizes_with_batch_statistics_and_updates_running_ones()
    {
        using var scope = NewDisposeScope();
        using var layer = Layer(Shape.Vector(3), momentum: 0.25);
        var x = SkewedVectors(64, seed: 1);
        var mean = x.mean([0]);
        var variance = x.var([0], unbiased: false);

        layer.train(true);
        var (z, logDet) = layer.Inverse(x);

        Numeric.AssertClose(zeros(3, dtype: float64), z.mean([0]), 1e-12, "batch mean after normalizing");
        Numeric.AssertClose(variance / (variance + Epsilon), z.var([0], unbiased: false), 1e-12, "batch variance after normalizing");
        Numeric.AssertClose((-0.5 * (variance + Epsilon).log().sum()).expand(64), logDet, 1e-12, "log-det from batch variance");
        Numeric.AssertClose(0.25 * mean, Buffer(layer, "runningMean"), 1e-12, "running mean after one batch from 0");
        Numeric.AssertClose(0.75 + 0.25 * variance, Buffer(layer, "runningVar"), 1e-12, "running variance after one batch from 1");
    }

    [Fact]
    public void Evaluation_inverse_uses_running_statistics_and_leaves_them_alone()
    {
        using var scope = NewDisposeScope();
        using var layer = Layer(Shape.Vector(3));
        layer.train(true);
        layer.Inverse(SkewedVectors(32, seed: 1));
        using (no_grad())
        {
            Parameter(layer, "logGamma").copy_(tensor(new[] { 0.2, -0.1, 0.0 }));
            Parameter(layer, "beta").copy_(tensor(new[] { 0.5, 0.0, -1.0 }));
        }
        var runningMean = Buffer(layer, "runningMean").clone();
        var runningVar = Buffer(layer, "runningVar").clone();
        var x = SkewedVectors(5, seed: 2);

        layer.train(false);
        var (z, logDet) = layer.Inverse(x);

        var logScale = tensor(new[] { 0.2, -0.1, 0.0 }) - 0.5 * (runningVar + Epsilon).log();
        var expected = (x - runningMean) * logScale.exp() + tensor(new[] { 0.5, 0.0, -1.0 });
        Numeric.AssertClose(expected, z, 1e-12, "evaluation-mode normalization");
        Numeric.AssertClose(logScale.sum().expand(5), logDet, 1e-12, "evaluation-mode log-det");
        Numeric.AssertBitIdentical(runningMean, Buffer(layer, "runningMean"), "running mean after evaluation");
        Numeric.AssertBitIdentical(runningVar, Buffer(layer, "runningVar"), "running variance after evaluation");
    }

    [Fact]
    public void Forward_always_uses_running_statistics()
    {
        using var scope = NewDisposeScope();
        using var layer = Layer(Shape.Image(2, 3, 3));
        layer.train(true);
        layer.Inverse(randn(new long[] { 8, 2, 3, 3 }, dtype: float64) * 3 + 1);
        var runningMean = Buffer(layer, "runningMean").clone();
        var z = randn(new long[] { 4, 2, 3, 3 }, dtype: float64);

        var (trainingX, trainingLogDet) = layer.Forward(z);
        layer.train(false);
        var (evaluationX, evaluationLogDet) = layer.Forward(z);

        Numeric.AssertBitIdentical(evaluationX, trainingX, "forward in training vs evaluation mode");
        Numeric.AssertBitIdentical(evaluationLogDet, trainingLogDet, "forward log-det in training vs evaluation mode");
        Numeric.AssertBitIdentical(runningMean, Buffer(layer, "runningMean"), "running mean after forward");
        // Images: log|det| counts every pixel, H W = 9.
        var expected = 9 * (0.5 * (Buffer(layer, "runningVar") + Epsilon).log()).sum();
        Numeric.AssertClose(expected.expand(4), evaluationLogDet, 1e-12, "forward log-det of images");
    }

    [Fact]
    public void Samples_depend_on_their_batch_in_training_mode_only()
    {
        using var scope = NewDisposeScope();
        using var layer = Layer(Shape.Vector(3));
        var x = SkewedVectors(6, seed: 3);
        var first = x[TensorIndex.Slice(0, 1)];

        layer.train(true);
        var inBatch = layer.Inverse(x).z[TensorIndex.Slice(0, 1)];
        var withOthers = layer.Inverse(cat([first, SkewedVectors(5, seed: 4)], 0)).z[TensorIndex.Slice(0, 1)];
        Assert.True(Numeric.MaxAbsDiff(inBatch, withOthers) > 1e-3, "training mode should normalize with each batch's statistics");

        layer.train(false);
        Numeric.AssertClose(layer.Inverse(x).z[TensorIndex.Slice(0, 1)], layer.Inverse(first).z, 1e-12, "evaluation mode, sample 0 alone vs in a batch");
    }

    [Fact]
    public void Rejects_bad_momentum_and_epsilon()
    {
        Assert.Contains("Momentum", Assert.Throws<ArgumentException>(() => new BatchNormFlowSpec { Shape = Shape.Vector(2), Momentum = 1.5 }.Build()).Message);
        Assert.Contains("Epsilon", Assert.Throws<ArgumentException>(() => new BatchNormFlowSpec { Shape = Shape.Vector(2), Epsilon = 0 }.Build()).Message);
    }
}
