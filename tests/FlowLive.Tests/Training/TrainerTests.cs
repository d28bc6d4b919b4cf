using FlowLive.Data.Toy;
using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Tests.Support;
using FlowLive.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Training;

public sealed class TrainerTests
{
    static Flow SmallRealNvp()
    {
        random.manual_seed(0);
        return Catalog.Get("realnvp").Create(Shape.Vector(2), new ArchitectureOptions { Steps = 4, Net = new() { Hidden = 16 } }).Build();
    }

    [Fact]
    public void Maximum_likelihood_lowers_the_test_nll_of_two_gaussians()
    {
        using var flow = SmallRealNvp();
        var data = ToyDatasets.Get("two_gaussians");
        using var test = data.Sample(4000, new Generator(77));
        double before = Trainer.Evaluate(flow, test);
        Trainer.Fit(flow, data.Sample, new TrainingOptions { Steps = 300, BatchSize = 128, LearningRate = 3e-3 }, CPU);
        double after = Trainer.Evaluate(flow, test);
        Assert.True(after < before - 0.5, $"test NLL should fall by more than half a nat: {before:F3} -> {after:F3}");
    }

    [Fact]
    public void Memory_stays_flat_however_long_training_runs()
    {
        using var flow = SmallRealNvp();
        var data = ToyDatasets.Get("two_moons");
        var options = new TrainingOptions { Steps = 5, BatchSize = 64 };
        Trainer.Fit(flow, data.Sample, options, CPU); // first steps create the gradients that then persist
        LiveTensors.AssertNoLeak(() => Trainer.Fit(flow, data.Sample, options with { Steps = 50 }, CPU), "50 training steps");
    }

    [Fact]
    public void Bad_options_are_refused_before_any_work()
    {
        using var flow = SmallRealNvp();
        var data = ToyDatasets.Get("two_moons");
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(flow, data.Sample, new TrainingOptions { Steps = 0 }, CPU));
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(flow, data.Sample, new TrainingOptions { LearningRate = -1 }, CPU));
    }
}
