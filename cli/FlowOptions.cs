using FlowLive.Data;
using System.CommandLine;
using System.CommandLine.Parsing;
using FlowLive.Data.Toy;
using FlowLive.Flows.Architectures;
using FlowLive.Flows.Nets;
using FlowLive.Cli.Commands;
using FlowLive.Training;
using FlowLive.Training.Presets;

namespace FlowLive.Cli;

/// <summary>
/// The flags that say what to train and how (train and demo share them), turned into one <see cref="TrainingRequest"/>.
/// With --preset, the preset gives every value and only the flags given on the command line override it.
/// Flags that cannot apply to the chosen data are refused, not ignored.
/// </summary>
public sealed class FlowOptions
{
    public Option<string?> Preset { get; } = new("--preset") { Description = "a training preset (see `flowlive presets`); other flags override it" };
    public Option<string> Dataset { get; }
    public Option<string> Flow { get; }
    public Option<int> Layers { get; } = CommonOptions.Positive("--layers", "transformation steps (couplings, blocks; per level for glow)", 8);
    public Option<int> Hidden { get; } = CommonOptions.Positive("--hidden", "hidden units (or channels) of each conditioner network", 64);
    public Option<string> Base { get; } = new Option<string>("--base")
    {
        Description = "base distribution: normal, bimodal (two Gaussians) or learnable (diagonal Gaussian)",
        DefaultValueFactory = _ => "normal",
    }.AcceptOnlyFromAmong("normal", "bimodal", "learnable");
    public Option<int> Steps { get; }
    public Option<int?> Epochs { get; } = new("--epochs") { Description = "epochs over a finite training set (--train-size, images); replaces --steps" };
    public Option<int?> TrainSize { get; } = new("--train-size") { Description = "2-D sets: train on a fixed set of this many points (default: fresh points every step)" };
    public Option<int> BatchSize { get; } = CommonOptions.Positive("--batch-size", "samples per training step", 256);
    public Option<double> LearningRate { get; } = CommonOptions.PositiveReal("--lr", "Adam learning rate", 2e-3);
    public Option<string> Schedule { get; } = new("--schedule")
    {
        Description = "learning-rate schedule: constant, step:GAMMA[:EPOCHS] (StepLR) or cosine[:WARMUP_STEPS]",
        DefaultValueFactory = _ => "constant",
    };
    public Option<int> Patience { get; } = new("--patience")
    {
        Description = "early stopping: validations without improvement before stopping (0 = never); the best weights are kept",
        DefaultValueFactory = _ => 0,
    };
    public Option<double> ValidationTrim { get; } = new("--validation-trim")
    {
        Description = "judge validation (early stopping, best weights) by the mean without this fraction of the worst samples, e.g. 0.005; 0 = the plain mean",
        DefaultValueFactory = _ => 0,
    };
    public Option<int> ValidateEvery { get; } = new("--validate-every")
    {
        Description = "evaluate the validation set every N steps (0 = each epoch, or at each report for fresh data)",
        DefaultValueFactory = _ => 0,
    };
    public Option<long> Seed { get; } = CommonOptions.Seed();
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<int> Threads { get; } = ThreadCount.Option();
    public Option<int> ImageSize { get; } = new Option<int>("--image-size")
    {
        Description = "image datasets: 28 (full size) or 14 (2x2 means, trains about four times faster)",
        DefaultValueFactory = _ => 14,
    }.AcceptOnlyFromAmong("14", "28");
    public Option<int> Levels { get; } = new("--levels")
    {
        Description = "glow: squeeze levels; 0 = as many as keep 7x7 or larger (1 at 14x14, 2 at 28x28)",
        DefaultValueFactory = _ => 0,
    };
    public Option<string> Dequantization { get; } = new Option<string>("--dequantization")
    {
        Description = "image datasets: uniform ((k + u) / 256) or variational (a learned q(u | x) trained with the flow, Flow++)",
        DefaultValueFactory = _ => "uniform",
    }.AcceptOnlyFromAmong("uniform", "variational");
    public Option<DirectoryInfo> DataDir { get; } = DataCommand.DataDirOption();
    public Option<string?> Target { get; } = new Option<string?>("--target")
    {
        Description = "fit an unnormalised 2-D density by reverse KL instead of data: " + string.Join(", ", EnergyTargets.Names) +
                      " (u1-u4: Rezende and Mohamed's potentials); the only way to train planar and radial flows",
    }.AcceptOnlyFromAmong([.. EnergyTargets.Names]);

    readonly bool full;

    /// <param name="full">train: every flag, images and targets; demo: 2-D data and the flags that make sense for a quick run.</param>
    public FlowOptions(string defaultDataset, int defaultSteps, bool full)
    {
        this.full = full;
        var names = ToyDatasets.Names.Concat(full ? ImageDatasets.Names : []).ToList();
        Dataset = new Option<string>("--dataset")
        {
            Description = "dataset: " + string.Join(", ", names),
            DefaultValueFactory = _ => defaultDataset,
        };
        Dataset.Validators.Add(result =>
        {
            string name = result.GetValueOrDefault<string>();
            if (full && ImageDatasets.IsImageDataset(name)) return;
            try { ToyDatasets.Get(name); }
            catch (ArgumentException) { result.AddError($"--dataset: unknown dataset '{name}' (expected one of: {string.Join(", ", names)})"); }
        });
        var architectures = Catalog.All.Where(a => full || (a.Supports(Flows.Shape.Vector(2)) && !a.ReverseKlOnly)).ToList();
        Flow = new Option<string>("--flow")
        {
            Description = "architecture: " + string.Join("; ", architectures.Select(a => $"{a.Name} ({a.Description})")),
            DefaultValueFactory = _ => "realnvp",
        }.AcceptOnlyFromAmong([.. architectures.Select(a => a.Name)]);
        Steps = CommonOptions.Positive("--steps", "training steps", defaultSteps);
    }

    public IEnumerable<Option> All => full
        ? [Preset, Dataset, Flow, Layers, Hidden, Base, Steps, Epochs, TrainSize, BatchSize, LearningRate, Schedule, Patience, ValidateEvery,
           ValidationTrim, Seed, Device, Threads, ImageSize, Levels, Dequantization, DataDir, Target]
        : [Dataset, Flow, Layers, Hidden, Base, Steps, BatchSize, LearningRate, Seed, Device, Threads];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>True when the user wrote the flag (not just its default).</summary>
    public static bool Given(ParseResult parsed, Option option) => parsed.GetResult(option) is OptionResult { Implicit: false };

    /// <summary>The request the flags describe; usage errors name the flag.</summary>
    public TrainingRequest Request(ParseResult parsed)
    {
        var preset = full && parsed.GetValue(Preset) is string presetName ? PresetFor(presetName) : null;
        var request = preset?.Request() ?? new TrainingRequest();
        bool Set(Option option) => preset is null || Given(parsed, option);
        if (request.Vae is not null)
            foreach (var flowOnly in new Option[] { Flow, Layers, Hidden, Base, Levels, Dequantization, Device, TrainSize, Target })
                if (Given(parsed, flowOnly))
                    throw new UsageException(flowOnly.Name, $"preset {preset!.Name} trains the exercise's VAE (on the CPU); this flag applies to flows");

        if (full && Given(parsed, Target))
        {
            if (Given(parsed, Dataset)) throw new UsageException("--dataset", "a --target is fitted without data: leave out --dataset");
            if (preset is not null) throw new UsageException("--target", "presets learn from data; leave out --preset to fit a target");
            request = request with { Target = parsed.GetValue(Target) };
        }
        if (Set(Dataset) && request.Target is null)
        {
            if (preset is not null && Given(parsed, Dataset) && request.Spec is not null)
                throw new UsageException("--dataset", $"preset {preset.Name} is built for {request.Dataset}; its architecture does not change with the data");
            request = request with { Dataset = parsed.GetValue(Dataset)! };
        }
        bool images = request.Target is null && ImageDatasets.IsImageDataset(request.Dataset);
        foreach (var imageOnly in full ? new Option[] { ImageSize, Levels, Dequantization, DataDir } : [])
            if (!images && Given(parsed, imageOnly))
                throw new UsageException(imageOnly.Name, $"applies to image datasets ({string.Join(", ", ImageDatasets.Names)}), not to {(request.Target is null ? request.Dataset : "a --target")}");
        if (full && images && Given(parsed, TrainSize))
            throw new UsageException("--train-size", "applies to 2-D sets; image datasets train on their training split");

        var architecture = request.ArchitectureOptions;
        if (Set(Flow)) request = request with { Architecture = parsed.GetValue(Flow)!, Spec = Given(parsed, Flow) ? null : request.Spec };
        if (request.Spec is not null)
            foreach (var shapeFlag in new Option[] { Layers, Hidden, Base }.Concat(full ? [Levels] : []))
                if (Given(parsed, shapeFlag))
                    throw new UsageException(shapeFlag.Name, $"preset {preset!.Name} has a fixed architecture (from its exercise); use --flow to train another one");
        if (Set(Layers)) architecture = architecture with { Steps = parsed.GetValue(Layers) };
        if (Set(Hidden))
        {
            int hidden = parsed.GetValue(Hidden);
            if (hidden > FlowLive.Flows.SpecLimits.MaxHidden) throw new UsageException("--hidden", $"at most {FlowLive.Flows.SpecLimits.MaxHidden:N0} units");
            architecture = architecture with { Net = architecture.Net with { Hidden = hidden } };
        }
        if (Set(Base)) architecture = architecture with { Base = parsed.GetValue(Base) switch { "bimodal" => BaseChoice.Bimodal, "learnable" => BaseChoice.Learnable, _ => BaseChoice.Normal } };
        if (Set(Seed)) architecture = architecture with { Seed = (int)parsed.GetValue(Seed) };
        var data = request.Data;
        if (full && images && Set(ImageSize)) data = data with { ImageSize = parsed.GetValue(ImageSize) };
        if (full && images && Set(Dequantization)) data = data with { Dequantization = parsed.GetValue(Dequantization)! };
        if (full && images && Set(DataDir)) data = data with { DataDir = parsed.GetValue(DataDir)!.FullName };
        if (full && Given(parsed, TrainSize))
        {
            int n = parsed.GetValue(TrainSize) ?? 0;
            if (n < 1 || n > TrainingLimits.MaxPoints) throw new UsageException("--train-size", $"must be between 1 and {TrainingLimits.MaxPoints:N0}");
            data = data with { TrainSize = n };
        }
        if (full && images && Set(Levels))
            architecture = architecture with { Levels = LevelsFor(parsed.GetValue(Levels), data.ImageSize) };

        var training = request.Training;
        if (Set(Steps)) training = training with { Steps = parsed.GetValue(Steps), Epochs = Given(parsed, Steps) ? null : training.Epochs };
        if (full && Given(parsed, Epochs))
        {
            int epochs = parsed.GetValue(Epochs) ?? 0;
            if (epochs < 1) throw new UsageException("--epochs", "must be at least 1");
            if (Given(parsed, Steps)) throw new UsageException("--steps", "give --steps or --epochs, not both");
            if (!images && data.TrainSize is null) throw new UsageException("--epochs", "needs a finite training set: add --train-size N (2-D sets draw fresh points every step otherwise)");
            training = training with { Epochs = epochs };
        }
        if (Set(BatchSize))
        {
            int batch = parsed.GetValue(BatchSize);
            if (batch > FlowLive.Flows.SpecLimits.MaxBatch) throw new UsageException("--batch-size", $"at most {FlowLive.Flows.SpecLimits.MaxBatch:N0}");
            training = training with { BatchSize = batch };
        }
        if (Set(LearningRate)) training = training with { LearningRate = parsed.GetValue(LearningRate) };
        if (Set(Seed)) training = training with { Seed = parsed.GetValue(Seed) };
        if (full && Set(Schedule))
        {
            try { training = training with { Schedule = LearningRateSchedule.Parse(parsed.GetValue(Schedule)!) }; }
            catch (ArgumentException e) { throw new UsageException("--schedule", e.Message); }
        }
        if (full && Set(Patience))
        {
            int patience = parsed.GetValue(Patience);
            if (patience < 0) throw new UsageException("--patience", "must be 0 (never stop early) or more");
            training = training with { Patience = patience };
        }
        if (full && Set(ValidationTrim))
        {
            double trim = parsed.GetValue(ValidationTrim);
            if (!(trim >= 0 && trim < 0.5)) throw new UsageException("--validation-trim", $"must be in [0, 0.5), got {trim}");
            training = training with { ValidationTrim = trim };
        }
        if (full && Set(ValidateEvery))
        {
            int every = parsed.GetValue(ValidateEvery);
            if (every < 0) throw new UsageException("--validate-every", "must be 0 (automatic) or more");
            training = training with { ValidateEvery = every };
        }
        if (TotalStepsGuess(training, data) is var total && (total < 1 || total > TrainingLimits.MaxSteps))
            throw new UsageException(training.Epochs is null ? "--steps" : "--epochs", $"the run would take {total:N0} steps; at most {TrainingLimits.MaxSteps:N0}");
        if (training.Schedule is StepDecaySchedule && !(images || data.TrainSize is not null))
            throw new UsageException("--schedule", "step decay counts epochs, which need a finite training set: add --train-size N, or use cosine");
        if (request.Target is not null)
            foreach (var dataOnly in new Option[] { Patience, ValidateEvery, ValidationTrim, TrainSize, Epochs })
                if (Given(parsed, dataOnly)) throw new UsageException(dataOnly.Name, "applies to training on data; a --target fit has no held-out data or epochs");
        if (preset is null || Given(parsed, Steps) || Given(parsed, Epochs))
            training = training with { ReportEvery = (int)Math.Max(1, TotalStepsGuess(training, data) / 10) };

        string device = parsed.GetValue(Device)!;
        CommonOptions.ResolveDevice(device);
        return request with
        {
            ArchitectureOptions = architecture,
            Data = data,
            Training = training,
            Device = Set(Device) ? device : request.Device,
        };
    }

    /// <summary>Prepares the run, turning a request the library refuses into a usage error naming the flag.</summary>
    public TrainingRun Prepare(ParseResult parsed, TrainingRequest request, TextWriter output)
    {
        TrainingRun run;
        try
        {
            run = TrainingRun.Prepare(request, (name, dir) => ImageDatasets.Load(name, dir, output));
        }
        catch (ArgumentException e) when (e.Message.StartsWith("Architecture:", StringComparison.Ordinal))
        {
            throw new UsageException("--flow", e.Message["Architecture:".Length..].Trim());
        }
        catch (ArgumentException e) when (e.Message.Contains("Levels", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("squeeze", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException("--levels", e.Message);
        }
        catch (ArgumentException e) when (e.Message.StartsWith("Dataset:", StringComparison.Ordinal))
        {
            throw new UsageException("--dataset", e.Message["Dataset:".Length..].Trim());
        }
        ThreadCount.ApplyFor(parsed.GetValue(Threads), run);
        return run;
    }

    static long TotalStepsGuess(TrainingOptions training, DataOptions data) =>
        training.Epochs is int epochs && data.TrainSize is int n ? (long)epochs * ((n + training.BatchSize - 1) / training.BatchSize) : training.Steps;

    static Preset PresetFor(string name) =>
        PresetCatalog.Find(name) ?? throw new UsageException("--preset", $"unknown preset '{name}' (see `flowlive presets`: {string.Join(", ", PresetCatalog.All.Select(p => p.Name))})");

    static int LevelsFor(int levels, int imageSize)
    {
        if (levels < 0) throw new UsageException("--levels", "must be 0 (automatic) or more");
        int most = 0;
        for (int side = imageSize; side % 2 == 0 && side / 2 >= 1; side /= 2) most++;
        if (levels > most) throw new UsageException("--levels", $"{imageSize}x{imageSize} images can be squeezed at most {most} times");
        if (levels > 0) return levels;
        int automatic = 0;
        for (int side = imageSize; side % 2 == 0 && side / 2 >= 7; side /= 2) automatic++;
        return Math.Max(automatic, 1);
    }
}
