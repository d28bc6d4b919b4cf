using System.CommandLine;
using FlowLive.Data;
using FlowLive.Data.Toy;
using FlowLive.Flows.Architectures;
using FlowLive.Flows.Nets;
using FlowLive.Server.Commands;
using FlowLive.Training;

namespace FlowLive.Server.Cli;

/// <summary>The flags that choose a dataset, an architecture and how to train it (train and demo share them).</summary>
public sealed class FlowOptions
{
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
    public Option<int> BatchSize { get; } = CommonOptions.Positive("--batch-size", "samples per training step", 256);
    public Option<double> LearningRate { get; } = CommonOptions.PositiveReal("--lr", "Adam learning rate", 2e-3);
    public Option<long> Seed { get; } = CommonOptions.Seed();
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "CPU threads for libtorch; 0 = automatic (1 for 2-D data, whose tiny tensors run slower on more)",
        DefaultValueFactory = _ => 0,
    };
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
    public Option<DirectoryInfo> DataDir { get; } = DataCommand.DataDirOption();
    public Option<string?> Target { get; } = new Option<string?>("--target")
    {
        Description = "fit an unnormalised 2-D density by reverse KL instead of data: " + string.Join(", ", EnergyTargets.Names) +
                      " (u1-u4: Rezende and Mohamed's potentials); the only way to train planar and radial flows",
    }.AcceptOnlyFromAmong([.. EnergyTargets.Names]);

    public FlowOptions(string defaultDataset, int defaultSteps, bool images)
    {
        var names = ToyDatasets.Names.Concat(images ? ImageDatasets.Names : []).ToList();
        Dataset = new Option<string>("--dataset")
        {
            Description = "dataset: " + string.Join(", ", names),
            DefaultValueFactory = _ => defaultDataset,
        };
        Dataset.Validators.Add(result =>
        {
            string name = result.GetValueOrDefault<string>();
            if (images && ImageDatasets.IsImageDataset(name)) return;
            try { ToyDatasets.Get(name); }
            catch (ArgumentException) { result.AddError($"--dataset: unknown dataset '{name}' (expected one of: {string.Join(", ", names)})"); }
        });
        Flow = new Option<string>("--flow")
        {
            Description = "architecture: " + string.Join("; ", Catalog.All.Select(a => $"{a.Name} ({a.Description})")),
            DefaultValueFactory = _ => "realnvp",
        }.AcceptOnlyFromAmong([.. Catalog.Names]);
        Steps = CommonOptions.Positive("--steps", "training steps", defaultSteps);
        ImagesAllowed = images;
    }

    bool ImagesAllowed { get; }

    public IEnumerable<Option> All => ImagesAllowed
        ? [Dataset, Flow, Layers, Hidden, Base, Steps, BatchSize, LearningRate, Seed, Device, Threads, ImageSize, Levels, DataDir, Target]
        : [Dataset, Flow, Layers, Hidden, Base, Steps, BatchSize, LearningRate, Seed, Device, Threads];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    public TrainedFlow Train(ParseResult parsed, TextWriter output)
    {
        string datasetName = parsed.GetValue(Dataset)!;
        bool images = ImagesAllowed && ImageDatasets.IsImageDataset(datasetName);
        var architecture = Catalog.Get(parsed.GetValue(Flow)!);
        var device = CommonOptions.ResolveDevice(parsed.GetValue(Device)!);
        int threads = parsed.GetValue(Threads);
        if (threads < 0) throw new UsageException("--threads", "must be 0 (automatic) or more");
        TorchSharp.torch.set_num_threads(threads > 0 ? threads : images ? Environment.ProcessorCount : 1);

        var training = new TrainingOptions
        {
            Steps = parsed.GetValue(Steps),
            BatchSize = parsed.GetValue(BatchSize),
            LearningRate = parsed.GetValue(LearningRate),
            Seed = parsed.GetValue(Seed),
            ReportEvery = Math.Max(1, parsed.GetValue(Steps) / 10),
        };
        var shape = images ? Flows.Shape.Image(1, parsed.GetValue(ImageSize), parsed.GetValue(ImageSize)) : Flows.Shape.Vector(2);
        if (!architecture.Supports(shape))
            throw new UsageException("--flow", $"{architecture.Name} does not take data of shape {shape}; " +
                                     $"for this dataset use one of: {string.Join(", ", Catalog.All.Where(a => a.Supports(shape)).Select(a => a.Name))}");
        var options = new ArchitectureOptions
        {
            Steps = parsed.GetValue(Layers),
            Net = new SubnetSpec { Hidden = parsed.GetValue(Hidden) },
            Seed = (int)parsed.GetValue(Seed),
            Base = parsed.GetValue(Base) switch { "bimodal" => BaseChoice.Bimodal, "learnable" => BaseChoice.Learnable, _ => BaseChoice.Normal },
            Levels = LevelsFor(parsed, shape),
        };
        var progress = new ProgressPrinter(output, training.BatchSize);
        string on = device.type.ToString().ToLowerInvariant();

        if (ImagesAllowed && parsed.GetValue(Target) is string target)
        {
            if (images) throw new UsageException("--target", "targets are 2-D densities; leave out --dataset or use a 2-D one");
            output.WriteLine($"fitting {architecture.Name} ({options.Steps} steps) to target {target} by reverse KL, " +
                             $"{training.Steps} steps of {training.BatchSize} on {on}");
            return ToyTraining.FitTarget(target, architecture, options, training, device,
                new ProgressPrinter(output, training.BatchSize, loss: "KL - log Z"));
        }
        if (architecture.ReverseKlOnly)
            throw new UsageException("--flow", $"{architecture.Name} flows have no inverse, so they cannot learn from data: " +
                                     $"fit them to a density with `flowlive train --flow {architecture.Name} --target NAME` ({string.Join(", ", EnergyTargets.Names)})");

        if (!images)
        {
            var dataset = ToyDatasets.Get(datasetName);
            output.WriteLine($"training {architecture.Name} ({options.Steps} steps, {options.Net.Hidden} hidden) on {dataset.Name}, " +
                             $"{training.Steps} steps of {training.BatchSize} on {on}");
            return ToyTraining.Train(dataset, architecture, options, training, device, progress);
        }

        var (train, test) = ImageDatasets.Load(datasetName, parsed.GetValue(DataDir)!.FullName, output);
        int factor = train.Height / parsed.GetValue(ImageSize);
        train = train.Downscale(factor);
        test = test.Downscale(factor);
        output.WriteLine($"training {architecture.Name} ({options.Levels} levels x {options.Steps} steps, {options.Net.Hidden} channels) " +
                         $"on {datasetName} {train.Height}x{train.Width} ({train.Count:N0} images), {training.Steps} steps of {training.BatchSize} on {on}");
        return ImageTraining.Train(datasetName.ToLowerInvariant(), train, test, architecture, options, training, device, progress: progress);
    }

    int LevelsFor(ParseResult parsed, Flows.Shape shape)
    {
        int levels = parsed.GetValue(Levels);
        if (levels < 0) throw new UsageException("--levels", "must be 0 (automatic) or more");
        if (levels > 0 || !shape.IsImage) return Math.Max(levels, 1);
        long side = shape[1];
        while (side % 2 == 0 && side / 2 >= 7) { side /= 2; levels++; }
        return Math.Max(levels, 1);
    }

    /// <summary>One line for the end of training: the metric that matters for the kind of data.</summary>
    public static string Summary(TrainedFlow trained) =>
        trained.Spec.Metrics.ContainsKey("reverse_kl_minus_log_z")
        ? $"E_q[log q - log p~] = KL - log Z = {trained.Metric("reverse_kl_minus_log_z"):F4} nats, {trained.Elapsed.TotalSeconds:F1} s"
        : trained.Spec.Metrics.ContainsKey("test_bits_per_dim")
        ? $"test {trained.Metric("test_bits_per_dim"):F3} bits/dim ({trained.Metric("test_images"):N0} test images), " +
          $"train {trained.Metric("train_bits_per_dim"):F3}, {trained.Elapsed.TotalSeconds:F1} s"
        : $"test nll {trained.Metric("test_nll"):F4} nats ({ToyTraining.TestSize:N0} held-out points), " +
          $"train nll {trained.Metric("train_nll"):F4}, {trained.Elapsed.TotalSeconds:F1} s";
}
