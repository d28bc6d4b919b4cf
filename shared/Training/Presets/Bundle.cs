using FlowLive.Flows.Architectures;
using FlowLive.Flows.Nets;

namespace FlowLive.Training.Presets;

/// <summary>
/// The models FlowLive ships in models/ (a few hundred KB in all): a 2-D flow for each toy set the demo and the
/// viewer show, the small seed-exercise flows, and one digits flow. `flowlive bundle` retrains them all.
/// </summary>
public static class Bundle
{
    static TrainingRequest Toy(string dataset, string architecture, int steps, int layers = 8, int hidden = 64) => new()
    {
        Dataset = dataset,
        Architecture = architecture,
        ArchitectureOptions = new ArchitectureOptions { Steps = layers, Net = new SubnetSpec { Hidden = hidden } },
        Training = new TrainingOptions
        {
            Steps = steps, BatchSize = 512, LearningRate = 2e-3, Schedule = new CosineSchedule { WarmupSteps = 100 }, ReportEvery = steps / 10,
        },
    };

    public static IReadOnlyList<TrainingRequest> Requests =>
    [
        Toy("two_moons", "realnvp", 6000),
        Toy("eight_gaussians", "realnvp", 6000),
        Toy("chequerboard", "spline", 6000),
        Toy("rings", "spline", 6000),
        Toy("two_spirals", "spline", 8000),
        PresetCatalog.Find("radboud-moons")!.Request(),
        PresetCatalog.Find("dtu-twogaussians")!.Request(),
        PresetCatalog.Find("dtu-chequerboard-best")!.Request(),
        PresetCatalog.Find("realnvp-mnist")!.Request(), // the longest: its preset's 60-minute budget
    ];
}
