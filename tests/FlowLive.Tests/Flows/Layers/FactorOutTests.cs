using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Models;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class FactorOutTests
{
    [Fact]
    public void The_first_half_passes_through_and_the_second_goes_through_the_inner_layers()
    {
        using var scope = NewDisposeScope();
        var logScale = new double[] { 0.5, -1, 2 };
        using var layer = new FactorOutSpec
        {
            Shape = Shape.Vector(5),
            Inner = [new ScaleSpec { Shape = Shape.Vector(3), LogScale = logScale }, new TranslateSpec { Shape = Shape.Vector(3), Shift = [1, 2, 3] }],
        }.Build();
        layer.to(float64);
        var z = randn(4, 5, dtype: float64);

        var (x, logDet) = layer.Forward(z);

        Numeric.AssertBitIdentical(z[.., ..2], x[.., ..2], "factored-out features");
        var expected = z[.., 2..] * tensor(logScale).exp() + tensor(new double[] { 1, 2, 3 });
        Numeric.AssertClose(expected, x[.., 2..], 1e-14, "inner features");
        Numeric.AssertClose(full(4, 1.5, dtype: float64), logDet, 1e-14, "log-det of the inner layers");
        Numeric.AssertBitIdentical(x[.., ..2], layer.Inverse(x).z[.., ..2], "factored-out features, inverse");
    }

    [Fact]
    public void Inner_layers_that_do_not_chain_are_rejected_with_both_shapes()
    {
        var wrongEnd = Assert.Throws<FlowShapeException>(() => new FactorOutSpec
        {
            Shape = Shape.Image(4, 4, 4),
            Inner = [new ActNormSpec { Shape = Shape.Image(8, 2, 2) }],
        }.Build());
        Assert.Contains("[2, 4, 4]", wrongEnd.Message);
        Assert.Contains("[8, 2, 2]", wrongEnd.Message);

        var broken = Assert.Throws<FlowShapeException>(() => new FactorOutSpec
        {
            Shape = Shape.Image(4, 4, 4),
            Inner = [new ActNormSpec { Shape = Shape.Image(8, 2, 2) }, new ActNormSpec { Shape = Shape.Image(2, 4, 4) }],
        }.Build());
        Assert.Contains("inner layer 1 (ActNorm) expects input shape [2, 4, 4]", broken.Message);
        Assert.Contains("produces [8, 2, 2]", broken.Message);

        var tooBig = Assert.Throws<FlowShapeException>(() => new FactorOutSpec
        {
            Shape = Shape.Vector(6),
            Inner = [new ActNormSpec { Shape = Shape.Vector(4) }],
        }.Build());
        Assert.Contains("[4]", tooBig.Message);
        Assert.Contains("[3]", tooBig.Message);

        Assert.Contains("[1, 2, 2]", Assert.Throws<FlowShapeException>(() => new FactorOutSpec { Shape = Shape.Image(1, 2, 2), Inner = [] }.Build()).Message);
    }

    /// <summary>One step of flow (Glow figure 2a) in generative order; Scale and Translate stand in for the coupling.</summary>
    static IEnumerable<LayerSpec> Step(Shape shape, int seed) =>
    [
        new TranslateSpec { Shape = shape, Learnable = true },
        new ScaleSpec { Shape = shape, Learnable = true },
        InvertibleConv1x1Spec.Random(shape, seed),
        new ActNormSpec { Shape = shape },
    ];

    /// <summary>
    /// A two-level Glow on 1 x 8 x 8 pixels in [0, 1), in normalizing order: logit, squeeze to [4, 4, 4], two steps,
    /// factor out 2 channels; squeeze the other 2 to [8, 2, 2], one step.
    /// </summary>
    static FlowSpec TwoLevelGlow()
    {
        var level1 = Shape.Image(4, 4, 4);
        var level2 = Shape.Image(8, 2, 2);
        return new FlowSpec
        {
            Base = new StandardNormalSpec { Shape = level1 },
            Layers =
            [
                new FactorOutSpec { Shape = level1, Inner = [.. Step(level2, seed: 3), SqueezeSpec.ForData(Shape.Image(2, 4, 4))] },
                .. Step(level1, seed: 2),
                .. Step(level1, seed: 1),
                SqueezeSpec.ForData(Shape.Image(1, 8, 8)),
                new LogitTransformSpec { Shape = Shape.Image(1, 8, 8) },
            ],
        };
    }

    [Fact]
    public void A_two_level_glow_round_trips_and_its_log_prob_matches_the_jacobian()
    {
        using var flow = TwoLevelGlow().Build();
        flow.To(CPU, float64);
        Assert.Equal(Shape.Image(1, 8, 8), flow.DataShape);
        using var g = new Generator(2024);
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach (var p in flow.Parameters()) p.add_(randn(p.shape, dtype: float64, generator: g) * 0.1);
        }
        var pixels = randint(0, 256, [16, 1, 8, 8], dtype: ScalarType.Byte, generator: g);
        var x = Likelihood.Dequantize(pixels, g, ScalarType.Float64);

        flow.Train(true);
        using (no_grad()) flow.Encode(x);
        flow.Train(false);
        var actNorms = flow.Module.modules().OfType<ActNorm>().ToList();
        Assert.Equal(3, actNorms.Count);
        Assert.All(actNorms, a => Assert.True(a.IsInitialized, "an ActNorm, inner ones included, was not initialised"));

        using (no_grad())
        {
            var (z, _) = flow.Encode(x);
            Numeric.AssertClose(x, flow.Decode(z).x, 1e-9, "Decode(Encode(x))");
            var latent = randn(new long[] { 4, 4, 4, 4 }, dtype: float64, generator: g);
            Numeric.AssertClose(latent, flow.Encode(flow.Decode(latent).x).z, 1e-9, "Encode(Decode(z))");
            // The factored-out channels reach the latent without passing through level 2.
            Numeric.AssertBitIdentical(latent[.., ..2], flow.Trace(latent)[1][.., ..2], "factored-out channels after the FactorOut");
        }

        var logProb = flow.LogProb(x).detach();
        using var standardNormal = new StandardNormal(Shape.Image(4, 4, 4));
        standardNormal.to(float64);
        for (long i = 0; i < 2; i++)
        {
            var sample = x[i].flatten();
            var jacobian = autograd.functional.jacobian(v => flow.Encode(v.reshape(1, 1, 8, 8)).z.flatten(), sample);
            var z = flow.Encode(x[TensorIndex.Slice(i, i + 1)]).z.detach();
            var expected = standardNormal.LogProb(z) + linalg.slogdet(jacobian).Item2;
            Numeric.AssertClose(expected, logProb[TensorIndex.Slice(i, i + 1)], 1e-8, $"log p(x) of sample {i} vs log N(z) + log|det dz/dx|");
        }
        Numeric.AssertFinite(Likelihood.BitsPerDim(logProb, 64), "bits/dim");

        string path = Path.Combine(Path.GetTempPath(), $"flowlive-glow-{Guid.NewGuid():N}.flow");
        try
        {
            ModelFile.Save(path, new ModelSpec { Name = "glow-8x8", Flow = flow.Spec }, flow);
            using var loaded = ModelFile.Load(path);
            using var _ = no_grad();
            Numeric.AssertBitIdentical(flow.LogProb(x), loaded.Flow.LogProb(x), "log p(x) after a model file round trip");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
