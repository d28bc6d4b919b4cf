using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Models;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class ActNormTests
{
    static Tensor Parameter(nn.Module module, string name) => module.named_parameters().Single(p => p.Item1 == name).Item2;

    /// <summary>Data whose channels have means 3, -1, 0.5 and standard deviations 2, 0.5, 4.</summary>
    static Tensor SkewedImages(long batch, long seed)
    {
        using var g = new Generator((ulong)seed);
        var mean = tensor(new[] { 3.0, -1.0, 0.5 }).view(1, 3, 1, 1);
        var std = tensor(new[] { 2.0, 0.5, 4.0 }).view(1, 3, 1, 1);
        return randn(new long[] { batch, 3, 4, 4 }, dtype: float64, generator: g) * std + mean;
    }

    [Fact]
    public void First_training_inverse_normalizes_that_batch_per_channel()
    {
        using var scope = NewDisposeScope();
        using var layer = (ActNorm)new ActNormSpec { Shape = Shape.Image(3, 4, 4) }.Build();
        layer.to(float64);
        var x = SkewedImages(8, seed: 1);

        layer.train(true);
        var (z, logDet) = layer.Inverse(x);

        Assert.True(layer.IsInitialized);
        long[] dims = [0, 2, 3];
        Numeric.AssertClose(zeros(3, dtype: float64), z.mean(dims), 1e-12, "per-channel mean of the first batch");
        Numeric.AssertClose(ones(3, dtype: float64), z.var(dims, unbiased: false), 1e-5, "per-channel variance of the first batch");
        // logs = log(std + eps), log|det dz/dx| = -H W sum(logs).
        var expected = -16 * (x.std(dims, unbiased: false) + ActNorm.InitEpsilon).log().sum();
        Numeric.AssertClose(expected.expand(8), logDet, 1e-12, "log-det = -(H W) sum logs");
    }

    [Fact]
    public void First_training_inverse_normalizes_vectors_per_feature()
    {
        using var scope = NewDisposeScope();
        using var layer = (ActNorm)new ActNormSpec { Shape = Shape.Vector(2) }.Build();
        layer.to(float64);
        var x = tensor(new[,] { { 1.0, 10.0 }, { 3.0, 10.5 }, { 5.0, 11.0 } });

        layer.train(true);
        var z = layer.Inverse(x).z;

        // Feature 0: mean 3, std sqrt(8/3); feature 1: mean 10.5, std sqrt(1/6).
        var expected = tensor(new[,] { { -1.0, -1.0 }, { 0.0, 0.0 }, { 1.0, 1.0 } }) * Math.Sqrt(1.5);
        Numeric.AssertClose(expected, z, 1e-5, "normalized features");
        Numeric.AssertClose(tensor(new[] { 3.0, 10.5 }), Parameter(layer, "bias"), 1e-12, "bias = batch mean");
    }

    [Fact]
    public void Initialises_only_once()
    {
        using var scope = NewDisposeScope();
        using var layer = (ActNorm)new ActNormSpec { Shape = Shape.Image(3, 4, 4) }.Build();
        layer.to(float64);
        layer.train(true);
        layer.Inverse(SkewedImages(8, seed: 1));
        var bias = Parameter(layer, "bias").clone();
        var logScale = Parameter(layer, "logScale").clone();

        layer.Inverse(SkewedImages(8, seed: 2) * 3 + 1);

        Numeric.AssertBitIdentical(bias, Parameter(layer, "bias"), "bias after a second training batch");
        Numeric.AssertBitIdentical(logScale, Parameter(layer, "logScale"), "log-scale after a second training batch");
    }

    [Fact]
    public void Neither_evaluation_mode_nor_sampling_initialises()
    {
        using var scope = NewDisposeScope();
        using var layer = (ActNorm)new ActNormSpec { Shape = Shape.Image(3, 4, 4) }.Build();
        layer.to(float64);
        var x = SkewedImages(8, seed: 1);

        layer.train(false);
        Numeric.AssertBitIdentical(x, layer.Inverse(x).z, "evaluation-mode inverse of a new ActNorm (identity)");
        layer.train(true);
        Numeric.AssertBitIdentical(x, layer.Forward(x).x, "training-mode forward of a new ActNorm (identity)");
        Assert.False(layer.IsInitialized);
    }

    [Fact]
    public void A_saved_and_loaded_model_never_initialises_again()
    {
        var shape = Shape.Image(3, 4, 4);
        using var flow = new Flow(new StandardNormal(shape), [new ActNormSpec { Shape = shape }.Build()]);
        flow.To(CPU, float64);
        flow.Train(true);
        using (no_grad()) flow.Encode(SkewedImages(8, seed: 1)).z.Dispose();
        var layer = (ActNorm)flow.Layers[0];
        Assert.True(layer.IsInitialized);

        string path = Path.Combine(Path.GetTempPath(), $"flowlive-actnorm-{Guid.NewGuid():N}.flow");
        try
        {
            ModelFile.Save(path, new ModelSpec { Name = "actnorm", Flow = flow.Spec }, flow);
            using var loaded = ModelFile.Load(path);
            var loadedLayer = (ActNorm)loaded.Flow.Layers[0];
            Assert.Contains(loaded.Flow.Module.state_dict().Keys, k => k.EndsWith("initialized"));
            Assert.True(loadedLayer.IsInitialized, "the initialized flag did not survive the model file");

            // Training resumes on data with other statistics: the loaded weights must stay.
            using var scope = NewDisposeScope();
            loaded.Flow.Train(true);
            using (no_grad()) loaded.Flow.Encode(SkewedImages(8, seed: 2) * 5 - 7);
            Numeric.AssertBitIdentical(Parameter(layer, "bias"), Parameter(loadedLayer, "bias"), "bias after training-mode encode of the loaded model");
            Numeric.AssertBitIdentical(Parameter(layer, "logScale"), Parameter(loadedLayer, "logScale"), "log-scale after training-mode encode of the loaded model");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Refuses_to_initialise_from_a_single_value_per_channel()
    {
        using var scope = NewDisposeScope();
        using var layer = new ActNormSpec { Shape = Shape.Vector(5) }.Build();
        layer.train(true);
        var e = Assert.Throws<ArgumentException>(() => layer.Inverse(randn(1, 5)));
        Assert.Contains("[1, 5]", e.Message);
    }

    [Fact]
    public void Rejects_shapes_other_than_vectors_and_images()
    {
        var e = Assert.Throws<FlowShapeException>(() => new ActNormSpec { Shape = new Shape(2, 3) }.Build());
        Assert.Contains("[2, 3]", e.Message);
    }
}
