using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TorchSharp;
using FlowLive.Data;
using FlowLive.Data.Toy;
using FlowLive.Devices;
using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Models;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// One training run from a <see cref="TrainingRequest"/>: <see cref="Prepare"/> checks the request, loads the data and
/// builds the model (weights drawn from the run's own generator) before any step; <see cref="Run"/> trains on the
/// calling thread with events to an observer, honouring cancellation, checkpoints and resume, and returns the trained
/// model with its typed metrics; <see cref="Start"/> does the same on a thread of its own (the server's jobs).
/// The CLI's `train`, its presets and the gRPC server's StartTraining all go through here.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    readonly ITrainable trainable;
    readonly TrainingData data;
    readonly LossScale scale;
    readonly Func<Tensor, Tensor>? logTarget;
    readonly IKnownDensity? entropy;
    TrainingLoop? loop;
    bool pendingSnapshot;
    bool flowHandedOut;

    TrainingRun(TrainingRequest request, string name, string datasetName, Flow flow, ITrainable trainable, TrainingData data,
        LossScale scale, string description, Func<Tensor, Tensor>? logTarget, IKnownDensity? entropy)
    {
        Request = request;
        Name = name;
        DatasetName = datasetName;
        Flow = flow;
        this.trainable = trainable;
        this.data = data;
        this.scale = scale;
        Description = description;
        this.logTarget = logTarget;
        this.entropy = entropy;
    }

    public TrainingRequest Request { get; }
    public string Name { get; }
    public string DatasetName { get; }
    public Flow Flow { get; }
    /// <summary>One line saying what is trained on what, for the terminal and job listings.</summary>
    public string Description { get; }
    public bool DiscreteImages => scale.DiscreteImages;

    /// <summary>Loads image datasets by name: (train split, test split); <see cref="ImageDatasets.Load"/> unless a caller (a test) knows better.</summary>
    public delegate (ImageDataset Train, ImageDataset Test) ImageLoader(string name, string dataDir);

    /// <summary>
    /// Checks <paramref name="request"/> and gets everything ready: device, data (drawn or loaded once), the flow with its
    /// initial weights. Throws <see cref="ArgumentException"/> naming the field for a request that cannot run.
    /// </summary>
    public static TrainingRun Prepare(TrainingRequest request, ImageLoader? images = null, TextWriter? log = null)
    {
        images ??= (name, dir) => ImageDatasets.Load(name, dir, log ?? TextWriter.Null);
        var options = request.Training;
        var (isImage, shape, spec) = Plan(request);
        var device = DeviceChoice.Resolve(request.Device);

        TrainingData? data = null;
        Flow? flow = null;
        try
        {
            string datasetName;
            string description;
            IKnownDensity? entropy = null;
            Func<Tensor, Tensor>? target = null;
            if (request.Target is string targetName)
            {
                target = x => EnergyTargets.LogDensity(targetName, x);
                datasetName = $"target:{targetName}";
                description = $"reverse KL to target {targetName}";
            }
            else if (isImage)
            {
                (data, datasetName, description) = RunDatasets.Images(request, images);
            }
            else
            {
                (data, datasetName, description, entropy) = RunDatasets.Toy(request);
            }

            flow = spec.Build();
            if (flow.DataShape != shape)
                throw new ArgumentException($"Spec: the flow produces data of shape {flow.DataShape}, but the dataset's samples have shape {shape}");
            using (var generator = RunSeeds.Generator(options.Seed, RunSeeds.Initialisation))
                WeightInitialisation.Apply(flow.Module, generator);
            flow.To(device, ScalarType.Float32);
            ITrainable trainable;
            if (target is not null)
            {
                var reverse = new ReverseKl(flow, target);
                trainable = reverse;
                data = TrainingData.Sampled(reverse.BaseSamples, null, null, description);
            }
            else
            {
                if (!flow.HasInverse)
                    throw new ArgumentException("Architecture: this flow has layers without an inverse, so it cannot learn from data; fit it to a --target density by reverse KL");
                using var dequantizerGenerator = RunSeeds.Generator(options.Seed, RunSeeds.Initialisation, 1);
                trainable = (isImage, request.Data.Dequantization) switch
                {
                    (true, "variational") => new VariationalDequantization(Dequantization.VariationallyDequantizedFlow.Create(flow, dequantizerGenerator)),
                    (_, "uniform") => new FlowLikelihood(flow, dequantize: isImage),
                    (false, _) => throw new ArgumentException("Data.Dequantization: applies to image datasets only"),
                    _ => throw new ArgumentException($"Data.Dequantization: uniform or variational, not '{request.Data.Dequantization}'"),
                };
                if (trainable is VariationalDequantization v) v.Module.to(device);
            }
            var scale = new LossScale(shape.Size, isImage);
            string name = request.Name ?? (isImage
                ? $"{datasetName}-{shape[1]}x{shape[2]}-{ArchitectureName(request)}"
                : $"{datasetName}-{ArchitectureName(request)}");
            return new TrainingRun(request, name, datasetName, flow, trainable, data!, scale,
                $"{ArchitectureName(request)} ({flow.LayerCount} layers, {flow.WeightCount:N0} weights) on {description}, " +
                $"batch {options.BatchSize}, lr {options.LearningRate} ({options.Schedule.Describe()}), on {device.type.ToString().ToLowerInvariant()}",
                target, entropy);
        }
        catch
        {
            data?.Dispose();
            flow?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The checks <see cref="Prepare"/> makes before it touches any data or tensor (options, dataset, target, image
    /// size, architecture), for a caller that must answer at once (the server's StartTraining) and prepare later.
    /// Throws <see cref="ArgumentException"/> as <see cref="Prepare"/> does: "Field: problem", or an
    /// <see cref="ArgumentOutOfRangeException"/> naming the <see cref="TrainingOptions"/> property. Returns the spec of
    /// the flow it would build (so a caller can weigh it before any weight exists).
    /// </summary>
    public static FlowSpec Check(TrainingRequest request) => Plan(request).Spec;

    static (bool IsImage, Shape Shape, FlowSpec Spec) Plan(TrainingRequest request)
    {
        request.Training.Validate();
        bool isImage = request.Target is null && ImageDatasets.IsImageDataset(request.Dataset);
        if (request.Target is string target && !EnergyTargets.Names.Contains(target))
            throw new ArgumentException($"Target: unknown target '{target}' (expected one of: {string.Join(", ", EnergyTargets.Names)})");
        if (request.Target is null && !isImage) RunDatasets.ToySet(request);
        if (isImage) RunDatasets.CheckImageSize(request);
        Shape shape = isImage ? Shape.Image(1, request.Data.ImageSize, request.Data.ImageSize) : Shape.Vector(2);
        return (isImage, shape, request.Spec ?? BuildSpec(request, shape));
    }

    /// <summary>Asks the running loop for a snapshot after its current step; safe from any thread.</summary>
    public void RequestSnapshot()
    {
        if (loop is { } running) running.RequestSnapshot();
        else pendingSnapshot = true;
    }

    /// <summary>
    /// Trains on this thread. Cancellation writes a checkpoint to <paramref name="checkpointPath"/> (when given) and
    /// throws <see cref="TrainingCancelledException"/>; <paramref name="resumePath"/> continues a checkpoint exactly.
    /// <paramref name="snapshots"/> sends snapshots unasked too (a watched run).
    /// </summary>
    public TrainingResult Run(ITrainingObserver? observer = null, CancellationToken cancellation = default,
        string? checkpointPath = null, string? resumePath = null, SnapshotSchedule? snapshots = null)
    {
        var resume = resumePath is null ? null : Checkpoint.Load(resumePath);
        var clock = Stopwatch.StartNew();
        loop = new TrainingLoop(trainable, data, Request.Training, Fingerprint(), scale, observer, TakeSnapshot, snapshots);
        if (pendingSnapshot) loop.RequestSnapshot();
        LoopResult result;
        try
        {
            result = loop.Run(cancellation, checkpointPath, resume);
        }
        catch (CheckpointException e) when (resumePath is not null && e.Path != resumePath)
        {
            throw new CheckpointException(resumePath, "it was written by a run with another model, data or options (same preset, flags and seed are needed)");
        }

        // The test figure always uses the flow alone (uniform dequantization for images), as `flowlive eval` does.
        var measured = trainable is VariationalDequantization ? new FlowLikelihood(Flow, dequantize: true) : trainable;
        double? test = data.Test is null ? null : TrainingLoop.Evaluate(measured, data.Test, Request.Training.BatchSize, Request.Training.Seed, RunSeeds.Test);
        double? objective = logTarget is null ? null : Objective();
        var gap = entropy is not null && data.Test is not null ? GapEstimate.Measure(Flow, entropy, data.Test) : null;
        double? logZ = Request.Target is string t ? EnergyTargets.LogNormaliser(t) : null;
        var metrics = new TrainingMetrics
        {
            TrainLoss = result.FinalTrainLoss,
            ValidationLoss = result.BestValidationLoss,
            TestLoss = test,
            TestCount = data.Test?.shape[0] ?? 0,
            Dimensions = scale.Dimensions,
            DiscreteImages = scale.DiscreteImages,
            DataEntropy = entropy?.Entropy.Nats,
            DataEntropyStandardError = entropy?.Entropy.StandardError,
            Gap = gap?.Nats,
            GapStandardError = gap?.StandardError,
            ReverseKlMinusLogZ = objective,
            Kl = objective + logZ,
            Steps = result.Steps,
            Epochs = result.Epochs,
            BatchSize = Request.Training.BatchSize,
            Seconds = result.Elapsed.TotalSeconds,
            StoppedEarly = result.StoppedEarly,
            BestStep = result.BestStep,
            Recoveries = result.Recoveries,
        };
        var spec = new ModelSpec
        {
            Name = Name,
            Flow = Flow.Spec,
            Dataset = DatasetName,
            Preset = Request.Preset,
            Request = Request with { Spec = null },
            Metrics = metrics.ToDictionary(),
        };
        flowHandedOut = true;
        return new TrainingResult(Flow, spec, metrics, result);
    }

    /// <summary><see cref="Run"/> on a dedicated thread (tensors and dispose scopes stay on it; nothing spans an await).</summary>
    public Task<TrainingResult> Start(ITrainingObserver? observer = null, CancellationToken cancellation = default,
        string? checkpointPath = null, string? resumePath = null, SnapshotSchedule? snapshots = null) =>
        Task.Factory.StartNew(() => Run(observer, cancellation, checkpointPath, resumePath, snapshots), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>The reverse-KL objective on a fixed sample of 10,000 base points (its own seed).</summary>
    double Objective()
    {
        using var scope = NewDisposeScope();
        using var generator = RunSeeds.Generator(Request.Training.Seed, RunSeeds.Test);
        var reverse = (ReverseKl)trainable;
        var z = reverse.BaseSamples(10_000, generator);
        return TrainingLoop.Evaluate(trainable, z, 1024, Request.Training.Seed, RunSeeds.Test);
    }

    TrainingSnapshot TakeSnapshot(int step, TimeSpan elapsed) =>
        FlowSnapshots.Take(Flow, step, elapsed, data.Validation ?? data.Test, Request.Training.Seed);

    /// <summary>What a checkpoint must match to be resumed: the flow, the data and every option.</summary>
    string Fingerprint()
    {
        var text = JsonSerializer.Serialize(new
        {
            flow = SpecJson.Serialize(Flow.Spec),
            Request.Dataset,
            Request.Data,
            Request.Target,
            training = Request.Training with { CheckpointEvery = 0 }, // how often checkpoints are written does not change the run
        });
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    static string ArchitectureName(TrainingRequest request) => request.Preset ?? request.Architecture;

    static FlowSpec BuildSpec(TrainingRequest request, Shape shape)
    {
        Architecture architecture;
        try { architecture = Catalog.Get(request.Architecture); }
        catch (ArgumentException e) { throw new ArgumentException($"Architecture: {e.Message}"); }
        if (!architecture.Supports(shape))
            throw new ArgumentException($"Architecture: {architecture.Name} does not take data of shape {shape}; for this dataset use one of: " +
                                        string.Join(", ", Catalog.All.Where(a => a.Supports(shape)).Select(a => a.Name)));
        if (architecture.ReverseKlOnly && request.Target is null)
            throw new ArgumentException($"Architecture: {architecture.Name} flows have no inverse, so they cannot learn from data: fit them to a --target density " +
                                        $"({string.Join(", ", EnergyTargets.Names)})");
        return architecture.Create(shape, request.ArchitectureOptions);
    }

    public void Dispose()
    {
        (trainable as IDisposable)?.Dispose();
        data.Dispose();
        if (!flowHandedOut) Flow.Dispose();
    }
}

/// <summary>A trained flow with the model spec to save it under and its typed metrics; owns the flow.</summary>
public sealed record TrainingResult(Flow Flow, ModelSpec Spec, TrainingMetrics Metrics, LoopResult Loop) : IDisposable
{
    public void Dispose() => Flow.Dispose();
}
