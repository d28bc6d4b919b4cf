using FlowLive.Data;
using FlowLive.Cli;
using FlowLive.Tests.Data;
using FlowLive.Training;
using FlowLive.Training.Presets;

namespace FlowLive.Tests.Training;

/// <summary>
/// Every preset in its fast version (a few steps on little data): it builds, trains, its loss falls and stays finite,
/// and the same seed gives the same numbers. Quality bars are `flowlive verify`'s business, not the tests'.
/// </summary>
public sealed class PresetTests(RealMnistPackage mnist) : IClassFixture<RealMnistPackage>
{
    public static TheoryData<string> TwoD() => Names(PresetKind.TwoD);
    public static TheoryData<string> Images() => Names(PresetKind.Image);

    static TheoryData<string> Names(PresetKind kind)
    {
        var data = new TheoryData<string>();
        foreach (var p in PresetCatalog.All.Where(p => p.Kind == kind && p.Request().Vae is null && p.Request().Dataset != "fashion-mnist")) data.Add(p.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(TwoD))]
    public void Two_d_presets_train_and_their_loss_falls(string name) => AssertTrains(PresetCatalog.Find(name)!.FastRequest());

    [TheoryRequiringNpm]
    [MemberData(nameof(Images))]
    public void Image_presets_train_and_their_loss_falls(string name)
    {
        var request = PresetCatalog.Find(name)!.FastRequest();
        AssertTrains(request with
        {
            Data = request.Data with { DataDir = mnist.DataDir, TestSize = 64, ValidationSize = 64 },
            Training = request.Training with { Steps = 12, ReportEvery = 4, ValidateEvery = 6, BatchSize = 32 },
        });
    }

    [FactRequiringFashionMnist]
    public void The_fashion_preset_trains_on_fashion_mnist()
    {
        var preset = PresetCatalog.Find("glow-fashion")!;
        Assert.Equal("fashion-mnist", preset.Request().Dataset);
        var request = preset.FastRequest();
        AssertTrains(request with
        {
            Data = request.Data with { TestSize = 64, ValidationSize = 64 },
            Training = request.Training with { Steps = 12, ReportEvery = 4, ValidateEvery = 6, BatchSize = 32 },
        });
    }

    [FactRequiringNpm]
    public void Variational_dequantization_trains_an_image_flow_and_its_dequantizer()
    {
        var request = new TrainingRequest
        {
            Dataset = "mnist",
            Architecture = "glow",
            ArchitectureOptions = new() { Steps = 1, Levels = 1, Net = new() { Hidden = 8 } },
            Data = new DataOptions { ImageSize = 14, DataDir = mnist.DataDir, ValidationSize = 64, TestSize = 64, Dequantization = "variational" },
            Training = new TrainingOptions { Steps = 16, BatchSize = 32, LearningRate = 2e-3, ReportEvery = 4 },
        };
        AssertTrains(request);
        Assert.Throws<ArgumentException>(() => TrainingRun.Prepare(request with { Dataset = "two_moons", Architecture = "realnvp" }));
    }

    [FactRequiringNpm]
    public void The_vae_preset_trains_all_three_priors()
    {
        var preset = PresetCatalog.Find("vae-flowprior")!;
        var request = preset.FastRequest();
        var (train, test) = ImageDatasets.Load("mnist", mnist.DataDir, TextWriter.Null);
        using var result = VaeExperiment.Run(train.Subset(0, 600), test.Subset(0, 100), request.Vae! with { ValidationImages = 100 },
            request.Training with { Steps = 30, ReportEvery = 10, ValidateEvery = 15 });
        Assert.Equal(VaeExperiment.PriorNames, result.Priors.Select(p => p.Prior));
        foreach (var prior in result.Priors)
        {
            Assert.True(double.IsFinite(prior.TestNegativeElbo) && double.IsFinite(prior.TestNegativeLogLikelihood), prior.Prior);
            Assert.True(prior.Loop.History[^1].TrainLoss < prior.Loop.History[0].TrainLoss, $"{prior.Prior}: the -ELBO should fall");
            Assert.True(prior.TestNegativeLogLikelihood <= prior.TestNegativeElbo + 1e-6, $"{prior.Prior}: the importance-weighted bound is tighter");
        }
        Assert.True(double.IsFinite(result.FlowGainOverGaussian));
    }

    [Fact]
    public void The_same_preset_and_seed_give_the_same_numbers()
    {
        var request = PresetCatalog.Find("radboud-moons")!.FastRequest();
        TrainingMetrics Train()
        {
            using var run = TrainingRun.Prepare(request);
            using var result = run.Run();
            return result.Metrics with { Seconds = 0 };
        }
        Assert.Equal(Train(), Train());
        var other = request with { Training = request.Training with { Seed = 1 } };
        using var otherRun = TrainingRun.Prepare(other);
        using var otherResult = otherRun.Run();
        Assert.NotEqual(Train().TestLoss, otherResult.Metrics.TestLoss);
    }

    [Fact]
    public void Every_preset_has_a_unique_name_an_exercise_and_a_bar_the_trainer_reports()
    {
        Assert.Equal(PresetCatalog.All.Count, PresetCatalog.Names.Distinct().Count());
        var reported = new TrainingMetrics { TestLoss = 1, DataEntropy = 0.5, Dimensions = 784, DiscreteImages = true }.ToDictionary().Keys
            .Append("gap").Append("flow_minus_gaussian_nelbo");
        foreach (var preset in PresetCatalog.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(preset.Exercise));
            Assert.Contains(preset.Bar.Metric, reported);
            Assert.Equal(preset.Name, preset.Request().Preset);
        }
        Assert.Contains(PresetCatalog.All, p => p.Quick);
    }

    static void AssertTrains(TrainingRequest request)
    {
        using var run = TrainingRun.Prepare(request, (name, dir) => ImageDatasets.Load(name, dir, TextWriter.Null));
        using var result = run.Run();
        var history = result.Loop.History;
        Assert.True(history.Count >= 2, "the fast version should report at least twice");
        Assert.All(history, r => Assert.True(double.IsFinite(r.TrainLoss), $"step {r.Step}: loss {r.TrainLoss}"));
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss, $"{request.Preset}: loss should fall: {history[0].TrainLoss:F4} -> {history[^1].TrainLoss:F4}");
        Assert.True(result.Metrics.TestLoss is double t && double.IsFinite(t));
        Assert.Equal(request.Preset, result.Spec.Preset);
    }
}

/// <summary>A theory reported as skipped, with the install command, when npm is not on PATH.</summary>
public sealed class TheoryRequiringNpmAttribute : TheoryAttribute
{
    public TheoryRequiringNpmAttribute()
    {
        if (!Prerequisites.HasNpm) Skip = $"npm is not on PATH; install it with: {MnistFromNpm.NpmInstallCommand}";
    }
}
