using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Models;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows;

/// <summary>
/// The contract every layer keeps, checked over every case in float64: round trips both ways, inverse log-det is
/// minus forward, log-det equals log|det| of the autograd Jacobian, finite outputs, gradients reach every parameter,
/// spec and weights survive a model file bit for bit, batch independence and no leaked tensors.
/// </summary>
public sealed class LayerContractTests
{
    const long Batch = 4;

    public static TheoryData<string> Cases() => LayerCaseCatalog.Names();

    /// <summary>A layer in float64, perturbed off its identity initialisation, warmed up on data, in evaluation mode.</summary>
    static FlowLayer Prepared(LayerCase c, out Generator generator)
    {
        generator = new Generator(1234);
        var layer = c.Spec.Build();
        layer.to(float64);
        using (no_grad())
        {
            foreach (var p in layer.parameters())
                p.add_(randn(p.shape, dtype: p.dtype, generator: generator) * c.Perturbation);
        }
        using (var scope = NewDisposeScope())
        {
            // Data-dependent initialisation (ActNorm) and running statistics (batch norm) see data first.
            layer.train(true);
            if (layer.HasInverse)
            {
                using var _ = no_grad();
                var x = layer.Forward(Latent(c, 16, generator)).x;
                layer.Inverse(x);
            }
            layer.train(false);
        }
        return layer;
    }

    static Tensor Latent(LayerCase c, long batch, Generator generator) =>
        c.LatentSampler?.Invoke(batch, generator)
        ?? randn(c.Spec.Shape.WithBatch(batch), dtype: float64, generator: generator);

    [SkippableTheory, MemberData(nameof(Cases))]
    public void Round_trips_both_ways(string name)
    {
        var c = LayerCaseCatalog.All[name];
        using var layer = Prepared(c, out var g);
        Skip.IfNot(layer.HasInverse, $"{name} has no inverse to round-trip");
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var z = Latent(c, Batch, g);
        var (x, _) = layer.Forward(z);
        Numeric.AssertClose(z, layer.Inverse(x).z, c.RoundTripTolerance, $"{name}: F^-1(F(z))");

        var xData = layer.Forward(Latent(c, Batch, g)).x;
        Numeric.AssertClose(xData, layer.Forward(layer.Inverse(xData).z).x, c.RoundTripTolerance, $"{name}: F(F^-1(x))");
    }

    [SkippableTheory, MemberData(nameof(Cases))]
    public void Inverse_log_det_is_minus_forward_and_everything_is_finite(string name)
    {
        var c = LayerCaseCatalog.All[name];
        using var layer = Prepared(c, out var g);
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var z = Latent(c, Batch, g);
        var (x, forwardLogDet) = layer.Forward(z);
        Assert.Equal(new[] { Batch }, forwardLogDet.shape);
        Assert.True(layer.DataShape.MatchesBatched(x.shape), $"{name}: Forward gave {Shape.Format(x.shape)}, DataShape is {layer.DataShape}");
        Numeric.AssertFinite(x, $"{name}: Forward output");
        Numeric.AssertFinite(forwardLogDet, $"{name}: Forward log-det");
        Skip.IfNot(layer.HasInverse, $"{name} has no inverse (its forward pass was checked finite)");

        var (back, inverseLogDet) = layer.Inverse(x);
        Assert.Equal(new[] { Batch }, inverseLogDet.shape);
        Numeric.AssertFinite(back, $"{name}: Inverse output");
        Numeric.AssertClose(-forwardLogDet, inverseLogDet, c.LogDetTolerance, $"{name}: inverse log-det vs -forward");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Log_det_matches_the_autograd_jacobian(string name)
    {
        var c = LayerCaseCatalog.All[name];
        using var layer = Prepared(c, out var g);
        using var scope = NewDisposeScope();

        var z = Latent(c, 2, g);
        var logDet = layer.Forward(z).logDet.detach();
        for (long i = 0; i < z.shape[0]; i++)
        {
            var sample = z[i].detach().flatten();
            var jacobian = autograd.functional.jacobian(
                v => layer.Forward(v.reshape(layer.LatentShape.WithBatch(1))).x.flatten(), sample);
            var expected = linalg.slogdet(jacobian.reshape(jacobian.shape[0], -1)).Item2;
            Numeric.AssertClose(expected, logDet[i], c.LogDetTolerance, $"{name}: forward log-det of sample {i} vs log|det J|");
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Every_parameter_receives_a_gradient(string name)
    {
        var c = LayerCaseCatalog.All[name];
        using var layer = Prepared(c, out var g);
        layer.train(true);
        using var scope = NewDisposeScope();

        var input = Latent(c, Batch, g);
        Tensor output, logDet;
        if (layer.HasInverse)
        {
            using (no_grad()) input = layer.Forward(input).x;
            (output, logDet) = layer.Inverse(input.requires_grad_(true));
        }
        else
        {
            (output, logDet) = layer.Forward(input.requires_grad_(true));
        }
        var weights = randn(output.shape, dtype: float64, generator: g);
        ((output * weights).sum() + logDet.sum()).backward();
        Assert.True(input.grad is not null, $"{name}: no gradient reaches the input");

        foreach (var (parameterName, p) in layer.named_parameters())
        {
            if (!p.requires_grad || c.ParametersWithoutGradient.Contains(parameterName)) continue;
            Assert.True(p.grad is not null, $"{name}: parameter {parameterName} got no gradient");
            using var nonzero = p.grad!.abs().sum();
            Assert.True(nonzero.ToDouble() > 0, $"{name}: parameter {parameterName} got an all-zero gradient");
            Numeric.AssertFinite(p.grad!, $"{name}: gradient of {parameterName}");
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Model_file_round_trip_gives_bit_identical_outputs(string name)
    {
        var c = LayerCaseCatalog.All[name];
        var layer = Prepared(c, out var g);
        using var flow = new Flow(new StandardNormal(layer.LatentShape).to(float64) as BaseDistribution ?? throw new InvalidOperationException(), [layer]);
        string path = Path.Combine(Path.GetTempPath(), $"flowlive-test-{Guid.NewGuid():N}.flow");
        try
        {
            ModelFile.Save(path, new ModelSpec { Name = name, Flow = flow.Spec }, flow);
            using var loaded = ModelFile.Load(path);
            Assert.Equal(SpecJson.Serialize(flow.Spec), SpecJson.Serialize(loaded.Flow.Spec));

            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var z = Latent(c, Batch, g);
            Numeric.AssertBitIdentical(flow.Decode(z).x, loaded.Flow.Decode(z).x, $"{name}: Decode after load");
            if (layer.HasInverse)
            {
                var x = flow.Decode(z).x;
                Numeric.AssertBitIdentical(flow.LogProb(x), loaded.Flow.LogProb(x), $"{name}: LogProb after load");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableTheory, MemberData(nameof(Cases))]
    public void Samples_in_a_batch_do_not_affect_each_other(string name)
    {
        var c = LayerCaseCatalog.All[name];
        using var layer = Prepared(c, out var g);
        Skip.If(layer.HasStochasticLogDet, $"{name}'s log-det estimator draws its noise per call, not per sample");
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var z = Latent(c, Batch, g);
        var (x, logDet) = layer.Forward(z);
        for (long i = 0; i < Batch; i++)
        {
            var (xi, logDetI) = layer.Forward(z[TensorIndex.Slice(i, i + 1)]);
            Numeric.AssertClose(x[TensorIndex.Slice(i, i + 1)], xi, 1e-10, $"{name}: sample {i} alone vs in a batch");
            Numeric.AssertClose(logDet[TensorIndex.Slice(i, i + 1)], logDetI, 1e-10, $"{name}: log-det of sample {i} alone vs in a batch");
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Forward_inverse_sample_log_prob_and_trace_leak_no_tensors(string name)
    {
        var c = LayerCaseCatalog.All[name];
        var layer = Prepared(c, out var g);
        using var flow = new Flow(new StandardNormal(layer.LatentShape).to(float64) as BaseDistribution ?? throw new InvalidOperationException(), [layer]);
        using var z = Latent(c, Batch, g);
        LiveTensors.AssertNoLeak(() =>
        {
            var (x, logDet) = layer.Forward(z);
            if (layer.HasInverse)
            {
                var (back, inverseLogDet) = layer.Inverse(x);
                back.Dispose();
                inverseLogDet.Dispose();
            }
            x.Dispose();
            logDet.Dispose();
        }, $"{name}: Forward/Inverse");
        if (c.LatentSampler is null)
        {
            LiveTensors.AssertNoLeak(() => flow.Sample(Batch, seed: 1).Dispose(), $"{name}: Sample");
            LiveTensors.AssertNoLeak(() => { var (x, lp) = flow.SampleWithLogProb(Batch, seed: 1); x.Dispose(); lp.Dispose(); }, $"{name}: SampleWithLogProb");
        }
        LiveTensors.AssertNoLeak(() => { foreach (var state in flow.Trace(z)) state.Dispose(); }, $"{name}: Trace");
        if (layer.HasInverse)
        {
            using var x = flow.Decode(z).x;
            LiveTensors.AssertNoLeak(() => flow.LogProb(x).Dispose(), $"{name}: LogProb");
        }
    }

    [Fact]
    public void Every_layer_kind_has_a_case()
    {
        var covered = LayerCaseCatalog.All.Values.Select(c => SpecJson.KindOf(c.Spec.GetType())).ToHashSet();
        var missing = SpecJson.LayerKinds.Keys.Where(k => !covered.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "layer kinds without a contract case: " + string.Join(", ", missing));
    }
}
