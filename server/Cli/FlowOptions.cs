using System.CommandLine;
using FlowLive.Data.Toy;
using FlowLive.Flows.Architectures;
using FlowLive.Flows.Nets;
using FlowLive.Training;

namespace FlowLive.Server.Cli;

/// <summary>The flags that choose a dataset, an architecture and how to train it (train and demo share them).</summary>
public sealed class FlowOptions
{
    public Option<string> Dataset { get; }
    public Option<string> Flow { get; } = new Option<string>("--flow")
    {
        Description = "architecture: " + string.Join(", ", Catalog.All.Select(a => $"{a.Name} ({a.Description})")),
        DefaultValueFactory = _ => "realnvp",
    }.AcceptOnlyFromAmong([.. Catalog.Names]);
    public Option<int> Layers { get; } = CommonOptions.Positive("--layers", "transformation steps (couplings, blocks, ...)", 8);
    public Option<int> Hidden { get; } = CommonOptions.Positive("--hidden", "hidden units (or channels) of each conditioner network", 64);
    public Option<string> Base { get; } = new Option<string>("--base")
    {
        Description = "base distribution: normal, bimodal (two Gaussians) or learnable (diagonal Gaussian)",
        DefaultValueFactory = _ => "normal",
    }.AcceptOnlyFromAmong("normal", "bimodal", "learnable");
    public Option<int> Steps { get; }
    public Option<int> BatchSize { get; } = CommonOptions.Positive("--batch-size", "samples per training step", 256);
    public Option<double> LearningRate { get; } = CommonOptions.PositiveReal("--lr", "Adam learning rate", 2e-3);
    public Option<long> Seed { get; } = CommonOptions.Seed();
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "CPU threads for libtorch; 0 = 1 for 2-D data, whose tiny tensors run slower on more (default 0)",
        DefaultValueFactory = _ => 0,
    };

    public FlowOptions(string defaultDataset, int defaultSteps)
    {
        Dataset = new Option<string>("--dataset")
        {
            Description = "2-D dataset: " + string.Join(", ", ToyDatasets.Names),
            DefaultValueFactory = _ => defaultDataset,
        };
        Dataset.Validators.Add(result =>
        {
            try { ToyDatasets.Get(result.GetValueOrDefault<string>()); }
            catch (ArgumentException e) { result.AddError($"--dataset: {e.Message}"); }
        });
        Steps = CommonOptions.Positive("--steps", "training steps", defaultSteps);
    }

    public IEnumerable<Option> All => [Dataset, Flow, Layers, Hidden, Base, Steps, BatchSize, LearningRate, Seed, Device, Threads];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    public ArchitectureOptions Architecture(ParseResult parsed) => new()
    {
        Steps = parsed.GetValue(Layers),
        Net = new SubnetSpec { Hidden = parsed.GetValue(Hidden) },
        Seed = (int)parsed.GetValue(Seed),
        Base = parsed.GetValue(Base) switch { "bimodal" => BaseChoice.Bimodal, "learnable" => BaseChoice.Learnable, _ => BaseChoice.Normal },
    };

    public TrainingOptions Training(ParseResult parsed) => new()
    {
        Steps = parsed.GetValue(Steps),
        BatchSize = parsed.GetValue(BatchSize),
        LearningRate = parsed.GetValue(LearningRate),
        Seed = parsed.GetValue(Seed),
        ReportEvery = Math.Max(1, parsed.GetValue(Steps) / 10),
    };

    public ToyTraining.Result Train(ParseResult parsed, TextWriter output)
    {
        var dataset = ToyDatasets.Get(parsed.GetValue(Dataset)!);
        var architecture = Catalog.Get(parsed.GetValue(Flow)!);
        var device = CommonOptions.ResolveDevice(parsed.GetValue(Device)!);
        var training = Training(parsed);
        int threads = parsed.GetValue(Threads);
        if (threads < 0) throw new UsageException("--threads", "must be 0 (automatic) or more");
        TorchSharp.torch.set_num_threads(threads == 0 ? 1 : threads);
        output.WriteLine($"training {architecture.Name} ({parsed.GetValue(Layers)} steps, {parsed.GetValue(Hidden)} hidden) on {dataset.Name}, " +
                         $"{training.Steps} steps of {training.BatchSize} on {device.type.ToString().ToLowerInvariant()}");
        return ToyTraining.Train(dataset, architecture, Architecture(parsed), training, device, new ProgressPrinter(output, training.BatchSize));
    }
}
