using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Training;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Training;

public sealed class ReverseKlTests
{
    static readonly TrainingOptions Options = new() { Steps = 400, BatchSize = 256, LearningRate = 0.05, ReportEvery = 100, Seed = 1, Schedule = new CosineSchedule() };

    [Fact]
    public void Fitting_an_affine_flow_to_a_gaussian_target_reaches_zero_kl()
    {
        var shape = Shape.Vector(2);
        random.manual_seed(0);
        using var flow = new Flow(new StandardNormal(shape),
            [new Scale(new ScaleSpec { Shape = shape, Learnable = true }), new Translate(new TranslateSpec { Shape = shape, Learnable = true })]);
        double objective = Fit(flow, "gaussian", Options);

        // E_q[log q - log p~] = KL - log Z, so KL = objective + log Z: zero at the optimum.
        double kl = objective + EnergyTargets.LogNormaliser("gaussian")!.Value;
        Assert.InRange(kl, -0.02, 0.02);
        using var scope = NewDisposeScope();
        var samples = flow.Sample(50_000, seed: 3);
        Numeric.AssertClose(tensor(new[] { 1f, -1f }), samples.mean([0]), 0.02, "fitted mean");
        Numeric.AssertClose(tensor(new[] { 0.5f, 0.5f }), samples.std(0), 0.02, "fitted spread");
    }

    [Fact]
    public void Planar_flows_fit_the_first_rezende_mohamed_potential()
    {
        var shape = Shape.Vector(2);
        random.manual_seed(0);
        using var flow = new Flow(new StandardNormal(shape), Enumerable.Range(0, 8).Select(_ => new PlanarFlowSpec { Shape = shape }.Build()));
        double before = Objective(flow);
        Fit(flow, "u1", Options with { LearningRate = 0.01 });
        double after = Objective(flow);
        Assert.True(after < before - 1.0, $"reverse KL should fall by more than a nat: {before:F3} -> {after:F3}");
    }

    /// <summary>Fits by reverse KL through the trainer and returns E_q[log q - log p~] on a fixed sample of base points.</summary>
    static double Fit(Flow flow, string target, TrainingOptions options)
    {
        var objective = new ReverseKl(flow, x => EnergyTargets.LogDensity(target, x));
        using var data = TrainingData.Sampled(objective.BaseSamples, null, null, target);
        new TrainingLoop(objective, data, options, "test", new LossScale(2, false)).Run();
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        return TrainingLoop.Evaluate(objective, objective.BaseSamples(20_000, generator), 1024, 0, RunSeeds.Test);
    }

    /// <summary>E_q[log q - log p~] on a large fixed sample.</summary>
    static double Objective(Flow flow)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (x, logQ) = flow.SampleWithLogProb(20_000, seed: 99);
        return (logQ - EnergyTargets.LogDensity("u1", x)).mean().ToDouble();
    }

    [Fact]
    public void Energy_targets_have_their_known_values()
    {
        using var scope = NewDisposeScope();
        var z = tensor(new[,] { { 2.0, 0.0 }, { 0.0, 0.0 } });
        // U1 at (2, 0): radial term 0, mixture term -log(1 + exp(-0.5 (4 / 0.6)^2)).
        double expected = Math.Log(1 + Math.Exp(-0.5 * Math.Pow(4 / 0.6, 2)));
        Assert.Equal(expected, EnergyTargets.LogDensity("u1", z)[0].ToDouble(), 12);
        // U2 at the origin: w1(0) = 0, so U2 = 0.
        Assert.Equal(0.0, EnergyTargets.LogDensity("u2", z)[1].ToDouble(), 12);
        Assert.Throws<ArgumentException>(() => EnergyTargets.LogDensity("u9", z));
    }
}
