using FlowLive.Flows.Architectures;
using FlowLive.Flows.Nets;

namespace FlowLive.Training.Presets;

/// <summary>
/// Every preset, by name: the seed exercises (Radboud's moons, the Keras notes, the DTU course's flows and VAE, the
/// Rosenbaum digits sheet) and FlowLive's best image models. `flowlive presets` lists them.
/// </summary>
public static class PresetCatalog
{
    static TrainingRequest Tiny(TrainingRequest r) => r with
    {
        Data = r.Data with { TrainSize = r.Data.TrainSize is null ? null : Math.Min(r.Data.TrainSize.Value, 2048), ValidationSize = Math.Min(r.Data.ValidationSize, 512), TestSize = Math.Min(r.Data.TestSize, 512) },
        Training = r.Training with { Steps = 40, Epochs = null, ReportEvery = 10, ValidateEvery = 20, CheckpointEvery = 0 },
    };

    public static readonly IReadOnlyList<Preset> All =
    [
        new("radboud-moons", "Radboud University flows exercise: RealNVP on standardised two moons",
            "split / 4 affine couplings (MLP 2x16) / swap, N(0, I) base, standardised moons n 100,000 noise 0.1, Adam 1e-3, batch 128",
            new("test_nll", 1.87, "held-out NLL on 10,000 fresh standardised points <= 1.87 nats (the exercise asks < 1.9)"),
            () => new TrainingRequest
            {
                Name = "radboud-moons",
                Preset = "radboud-moons",
                Dataset = "two_moons",
                Data = new DataOptions { TrainSize = 100_000, Standardize = true, Noise = 0.1 },
                Architecture = "realnvp",
                ArchitectureOptions = new ArchitectureOptions { Steps = 4, Net = new SubnetSpec { Hidden = 16 } },
                Training = new TrainingOptions { Epochs = 20, BatchSize = 128, LearningRate = 1e-3, ReportEvery = 782, Patience = 5 },
            },
            PresetKind.TwoD, Tiny),
    ];

    public static Preset? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
