using FlowLive.Flows;
using FlowLive.Flows.Architectures;

namespace FlowLive.Training;

/// <summary>
/// Everything that defines a training run, as plain data: the CLI's flags, a preset and the gRPC server's
/// StartTraining all come down to one of these, and <see cref="TrainingRun.Prepare"/> checks it whole before any work.
/// </summary>
public sealed record TrainingRequest
{
    /// <summary>Model name (file stem); default DATASET-ARCHITECTURE.</summary>
    public string? Name { get; init; }
    /// <summary>The preset this request came from, when it did (recorded in the model file).</summary>
    public string? Preset { get; init; }
    /// <summary>A toy set (see ToyDatasets), "mnist" or "fashion-mnist"; ignored when <see cref="Target"/> is set.</summary>
    public string Dataset { get; init; } = "two_moons";
    public DataOptions Data { get; init; } = new();
    /// <summary>A catalog architecture, used when <see cref="Spec"/> is null.</summary>
    public string Architecture { get; init; } = "realnvp";
    public ArchitectureOptions ArchitectureOptions { get; init; } = new();
    /// <summary>An exact flow (a preset's seed architecture); takes the place of <see cref="Architecture"/>.</summary>
    public FlowSpec? Spec { get; init; }
    /// <summary>An energy target (EnergyTargets) to fit by reverse KL instead of learning from data.</summary>
    public string? Target { get; init; }
    public TrainingOptions Training { get; init; } = new();
    /// <summary>Train the exercise-2.6 VAE three times (Gaussian, mixture and flow priors) instead of a flow.</summary>
    public VaeExperiment.Options? Vae { get; init; }
    /// <summary>auto, cpu or cuda.</summary>
    public string Device { get; init; } = "auto";
}

/// <summary>Which data, how much of it, and how it is prepared.</summary>
public sealed record DataOptions
{
    /// <summary>2-D sets: a finite training set of this many points drawn once (epochs); null = fresh points every step.</summary>
    public int? TrainSize { get; init; }
    /// <summary>Held-out points (2-D) or images held out of the training split, every class in proportion (images; see StratifiedSplit), for early stopping.</summary>
    public int ValidationSize { get; init; } = 10_000;
    /// <summary>Points (2-D, fresh, with their own seed) or test-split images the reported figure is measured on.</summary>
    public int TestSize { get; init; } = 10_000;
    /// <summary>Images: 28 (full size) or 14 (2x2 means).</summary>
    public int ImageSize { get; init; } = 14;
    /// <summary>2-D sets: standardise by the training set's mean and standard deviation (the model lives in those units).</summary>
    public bool Standardize { get; init; }
    /// <summary>Moons: the noise standard deviation (null = the set's default).</summary>
    public double? Noise { get; init; }
    /// <summary>Images: "uniform" ((k + u) / 256, u ~ U[0, 1)) or "variational" (a learned q(u | x), Flow++).</summary>
    public string Dequantization { get; init; } = "uniform";
    /// <summary>Where prepared image datasets live.</summary>
    public string DataDir { get; init; } = ".data";
}
