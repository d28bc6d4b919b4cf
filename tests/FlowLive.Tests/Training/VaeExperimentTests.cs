using FlowLive.Data;
using FlowLive.Tests.Support;
using FlowLive.Training;

namespace FlowLive.Tests.Training;

/// <summary>
/// The VAE comparison repeated over seeds: every seed trains all three priors, the gain is the mean of each seed's
/// paired gain, only the first seed's models are kept (the rest are freed), and the first seed scores exactly what a
/// single-seed run does.
/// </summary>
public sealed class VaeExperimentTests
{
    // Two classes of 8x8 binary-ish images: a bar on the left or on the right, with a little noise.
    static ImageDataset Bars(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 64];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 2);
            for (int p = 0; p < 64; p++)
            {
                bool bar = (p % 8 < 3) == (labels[i] == 0);
                pixels[i * 64 + p] = (byte)(bar ^ random.NextDouble() < 0.05 ? 255 : 0);
            }
        }
        return new ImageDataset(pixels, labels, 8, 8, ["left", "right"], "bars");
    }

    static readonly VaeExperiment.Options Small = new()
    {
        LatentDimension = 2, Hidden = 16, MixtureComponents = 2, FlowPriorSteps = 2, FlowPriorHidden = 8, ValidationImages = 20, ImportanceSamples = 2,
    };

    static readonly TrainingOptions Brief = new() { Steps = 12, BatchSize = 16, ReportEvery = 6, Seed = 5 };

    [Fact]
    public void Repeats_train_every_prior_per_seed_and_average_the_paired_gains()
    {
        var train = Bars(120, 1);
        var test = Bars(40, 2);
        using var single = VaeExperiment.Run(train, test, Small, Brief);
        using var repeated = VaeExperiment.Run(train, test, Small with { Repeats = 3 }, Brief);

        Assert.Equal([5L, 6L, 7L], repeated.Repeats.Select(r => r.Seed));
        foreach (var repeat in repeated.Repeats) Assert.Equal(VaeExperiment.PriorNames, repeat.Scores.Select(s => s.Prior));
        Assert.Equal(VaeExperiment.PriorNames, repeated.Priors.Select(p => p.Prior));
        Assert.Equal(repeated.Repeats.Average(r => r.Score("gaussian").TestNegativeElbo - r.Score("flow").TestNegativeElbo), repeated.FlowGainOverGaussian, 12);
        Assert.True(double.IsFinite(repeated.FlowGainStandardError) && repeated.FlowGainStandardError > 0, "three different seeds give different gains");
        Assert.True(double.IsNaN(single.FlowGainStandardError), "one seed has no standard error");

        // The first seed is the single run: same models, same scores.
        Assert.Equal(single.Repeats[0].Scores, repeated.Repeats[0].Scores);
        Assert.Equal(single.Priors.Select(p => p.TestNegativeElbo), repeated.Priors.Select(p => p.TestNegativeElbo));
        Assert.NotEqual(repeated.Repeats[0].Scores, repeated.Repeats[1].Scores);
    }

    [Fact]
    public void Only_the_first_seeds_models_stay_alive()
    {
        var train = Bars(60, 3);
        var test = Bars(20, 4);
        LiveTensors.AssertNoLeak(() =>
        {
            using var once = VaeExperiment.Run(train, test, Small, Brief with { Steps = 4 });
        }, "a one-seed VAE comparison");
        long before = LiveTensors.Count;
        using (var once = VaeExperiment.Run(train, test, Small, Brief with { Steps = 4 }))
        {
            long kept = LiveTensors.Count - before;
            using var twice = VaeExperiment.Run(train, test, Small with { Repeats = 2 }, Brief with { Steps = 4 });
            Assert.Equal(2 * kept, LiveTensors.Count - before);
        }
    }

    [Fact]
    public void Zero_repeats_are_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => VaeExperiment.Run(Bars(40, 1), Bars(10, 2), Small with { Repeats = 0 }, Brief));
        Assert.Contains("Repeats", error.Message);
    }
}
