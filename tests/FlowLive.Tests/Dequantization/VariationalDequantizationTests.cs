using FlowLive.Dequantization;
using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Flows.Nets;
using FlowLive.Tests.Support;
using FlowLive.Vae;
using TorchSharp;
using static TorchSharp.torch;
using static FlowLive.Tests.Vae.VaeTestSupport;

namespace FlowLive.Tests.Dequantization;

/// <summary>
/// Variational dequantization (Flow++): q(u | x) is a density on the unit cube whose log-density runs backwards
/// exactly, the loss bounds the discrete NLL of a flow whose bin probabilities are integrated numerically, and a tiny
/// image flow trains jointly with q.
/// </summary>
public sealed class VariationalDequantizationTests
{
    static ConditionalDequantizer Dequantizer(Shape shape, long seed, double perturbation, int couplings = 2)
    {
        var dequantizer = new ConditionalDequantizer(new DequantizerSpec { Shape = shape, Couplings = couplings, Net = new SubnetSpec { Hidden = 8, Depth = 1 } });
        Perturb(dequantizer, seed, perturbation);
        dequantizer.to(ScalarType.Float64);
        return dequantizer;
    }

    static Tensor Pixels(long count, Shape shape, long seed)
    {
        using var g = new Generator((ulong)seed);
        return randint(0, 256, shape.WithBatch(count), dtype: ScalarType.Byte, generator: g);
    }

    public static TheoryData<long[]> Shapes() => new() { new long[] { 3 }, new long[] { 1, 2, 2 } };

    [Theory, MemberData(nameof(Shapes))]
    public void Samples_lie_in_the_unit_cube_and_log_q_runs_backwards_to_the_same_value(long[] dims)
    {
        var shape = new Shape(dims);
        using var dequantizer = Dequantizer(shape, seed: 1, perturbation: 0.3);
        using var scope = NewDisposeScope();
        var pixels = Pixels(50, shape, seed: 2);
        using var g = new Generator(3);
        var (u, logQ) = dequantizer.Sample(pixels, g);
        Assert.Equal(pixels.shape, u.shape);
        Assert.Equal([50L], logQ.shape);
        Assert.True(u.ge(0).all().ToBoolean() && u.lt(1).all().ToBoolean(), "noise outside [0, 1)");
        Numeric.AssertFinite(logQ, "log q");
        Numeric.AssertClose(logQ, dequantizer.LogProb(u, pixels), 1e-8, "log q from sampling against log q from the inverse");
    }

    [Fact]
    public void Q_integrates_to_one_over_the_unit_square_for_each_image()
    {
        var shape = Shape.Vector(2);
        using var dequantizer = Dequantizer(shape, seed: 4, perturbation: 0.2);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        const int perAxis = 400;
        var (grid, cell) = Grid(extent: 0.5, perAxis, ScalarType.Float64);
        var u = grid + 0.5;
        foreach (var pair in new[] { new byte[] { 0, 255 }, new byte[] { 17, 130 } })
        {
            var pixels = tensor(pair).reshape(1, 2).expand(u.shape[0], 2);
            double mass = dequantizer.LogProb(u, pixels).exp().sum().ToDouble() * cell;
            Assert.True(Math.Abs(mass - 1) < 2e-3, $"q(u | x = [{pair[0]}, {pair[1]}]) integrates to {mass:F5}");
        }
    }

    /// <summary>
    /// P(x) = integral over the bin [x/256, (x+1)/256)^2 of p(y) dy, computed with a 40 x 40 midpoint rule for a
    /// 2-D flow; the mean loss over many u ~ q must not fall below -log P(x).
    /// </summary>
    [Fact]
    public void The_loss_is_an_upper_bound_on_the_discrete_negative_log_likelihood()
    {
        var shape = Shape.Vector(2);
        var flow = Catalog.Get("realnvp").Create(shape, new ArchitectureOptions { Steps = 2, Net = new SubnetSpec { Hidden = 8, Depth = 1 } }).Build();
        Perturb(flow.Module, seed: 5, scale: 0.3);
        flow.To(CPU, ScalarType.Float64);
        using var model = new VariationallyDequantizedFlow(flow, Dequantizer(shape, seed: 6, perturbation: 0.2));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (grid, cell) = Grid(extent: 0.5, perAxis: 40, ScalarType.Float64);
        using var g = new Generator(7);
        foreach (var pair in new[] { new byte[] { 100, 140 }, new byte[] { 3, 250 }, new byte[] { 128, 128 } })
        {
            var k = tensor(pair).to(float64);
            var y = (k + grid + 0.5) / 256;
            double discreteNll = -((flow.LogProb(y) + Math.Log(cell / (256.0 * 256.0))).logsumexp(0).ToDouble());

            const int draws = 4000;
            var loss = model.Loss(tensor(pair).reshape(1, 2).expand(draws, 2), g);
            double mean = loss.mean().ToDouble(), error = loss.std().ToDouble() / Math.Sqrt(draws);
            Assert.True(mean >= discreteNll - 3 * error, $"x = [{pair[0]}, {pair[1]}]: mean loss {mean:F4} below -log P(x) = {discreteNll:F4}");
            Assert.True(mean - discreteNll < 1, $"x = [{pair[0]}, {pair[1]}]: the bound {mean:F4} is implausibly loose against {discreteNll:F4}");
        }
    }

    static VariationallyDequantizedFlow TinyImageModel(long seed)
    {
        var shape = Shape.Image(1, 4, 4);
        var flow = Catalog.Get("glow").Create(shape, new ArchitectureOptions { Steps = 1, Levels = 1, Net = new SubnetSpec { Hidden = 8, Depth = 1 } }).Build();
        using var g = new Generator((ulong)seed);
        FlowLive.Training.WeightInitialisation.Apply(flow.Module, g);
        return VariationallyDequantizedFlow.Create(flow, g, new DequantizerSpec { Shape = shape, Couplings = 1, Net = new SubnetSpec { Hidden = 8, Depth = 1 } });
    }

    /// <summary>Smooth 4x4 ramps with noise: pixels a flow can learn something about in a few steps.</summary>
    static Tensor Ramps(long count, long seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed);
        var level = rand([count, 1, 1, 1], generator: g) * 160;
        var ramp = arange(16, dtype: float32).reshape(1, 1, 4, 4) * 5;
        var noise = randn([count, 1, 4, 4], generator: g) * 6;
        return (level + ramp + noise).clamp(0, 255).round().to(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    [Fact]
    public void A_tiny_image_flow_gets_a_finite_loss_with_gradients_to_both_models_and_training_lowers_it()
    {
        using var model = TinyImageModel(seed: 8);
        using var pixels = Ramps(64, seed: 9);
        model.Train(true);
        using (var scope = NewDisposeScope())
        {
            using var g = new Generator(10);
            var loss = model.Loss(pixels, g);
            Assert.Equal([64L], loss.shape);
            Numeric.AssertFinite(loss, "loss");
            loss.mean().backward();
            double GradientMass(nn.Module m) => m.parameters().Where(p => p.grad is not null).Sum(p => p.grad!.abs().sum().ToDouble());
            Assert.True(GradientMass(model.Flow.Module) > 0, "no gradient reached the image flow");
            Assert.True(GradientMass(model.Dequantizer) > 0, "no gradient reached the dequantizer");
            foreach (var p in model.Parameters()) p.grad?.zero_();
        }

        double Evaluate() { using var g = new Generator(11); return model.Evaluate(pixels, g, batchSize: 32); }
        double before = Evaluate();
        double bitsBefore;
        using (var g = new Generator(11)) bitsBefore = model.EvaluateBitsPerDim(pixels, g, batchSize: 32);
        Assert.Equal(Likelihood.BitsPerDim(-before, 16), bitsBefore, 9);
        model.Train(true);
        Fit(model.Parameters(), model.Loss, pixels, steps: 40, learningRate: 5e-3, seed: 12);
        double after = Evaluate();
        Assert.True(after < before - 1.0, $"loss went from {before:F3} to {after:F3} nats per image");
    }

    [Fact]
    public void The_same_seeds_give_the_same_numbers_and_nothing_leaks()
    {
        using var a = TinyImageModel(seed: 13);
        using var b = TinyImageModel(seed: 13);
        using var pixels = Ramps(8, seed: 14);
        a.Train(false);
        b.Train(false);
        using (var scope = NewDisposeScope())
        {
            using var g1 = new Generator(15);
            using var g2 = new Generator(15);
            Numeric.AssertBitIdentical(a.Loss(pixels, g1), b.Loss(pixels, g2), "loss");
        }
        using var g = new Generator(16);
        LiveTensors.AssertNoLeak(() =>
        {
            a.Loss(pixels, g).Dispose();
            a.Evaluate(pixels, g, batchSize: 3);
            var (u, logQ) = a.Dequantizer.Sample(pixels, g);
            a.Dequantizer.LogProb(u, pixels).Dispose();
            u.Dispose();
            logQ.Dispose();
        }, "variational dequantization");
    }

    [Fact]
    public void Bad_input_is_refused_naming_what_is_wrong()
    {
        using var dequantizer = Dequantizer(Shape.Vector(3), seed: 1, perturbation: 0.1);
        using var g = new Generator(1);
        using var floats = zeros(2, 3);
        Assert.Contains("integer pixel values", Assert.Throws<ArgumentException>(() => dequantizer.Sample(floats, g)).Message);
        using var wrong = zeros(2, 4, dtype: ScalarType.Byte);
        Assert.Contains("expected pixels of shape [batch, 3]", Assert.Throws<FlowShapeException>(() => dequantizer.Sample(wrong, g)).Message);
        var flow = Catalog.Get("realnvp").Create(Shape.Vector(2), new ArchitectureOptions { Steps = 1 }).Build();
        using var other = Dequantizer(Shape.Vector(3), seed: 1, perturbation: 0.1);
        Assert.Contains("the flow models shape [2]", Assert.Throws<FlowShapeException>(() => new VariationallyDequantizedFlow(flow, other)).Message);
        flow.Dispose();
        Assert.Contains("Couplings", Assert.Throws<ArgumentException>(() => new ConditionalDequantizer(new DequantizerSpec { Shape = Shape.Vector(2), Couplings = -1 })).Message);
    }
}
