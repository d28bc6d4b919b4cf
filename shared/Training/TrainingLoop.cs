using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// The one gradient-descent loop of FlowLive: Adam with a learning-rate schedule and gradient clipping, a dispose
/// scope per step (memory stays flat however long it runs), held-out validation with early stopping (the best weights
/// are restored at the end), a guard that survives non-finite losses or gradients (restore the last good state,
/// halve the rate, go on), atomic checkpoints that resume bit for bit, and events for any observer.
/// Runs on the calling thread, which owns every tensor it makes; nothing here touches process-wide torch state.
/// </summary>
public sealed class TrainingLoop
{
    // The optimizer blobs are FlatAdam's format; checkpoints from before it hold "optimizer" (TorchSharp's Adam) instead.
    const string Weights = "weights", OptimizerState = "adam", GoodWeights = "good_weights",
        GoodOptimizer = "good_adam", BestWeights = "best_weights";

    readonly ITrainable model;
    readonly TrainingData data;
    readonly TrainingOptions options;
    readonly string fingerprint;
    readonly LossScale scale;
    readonly ITrainingObserver? observer;
    readonly Func<int, TimeSpan, TrainingSnapshot>? snapshot;
    readonly int snapshotEvery;
    int snapshotRequested;

    /// <param name="fingerprint">Identifies model and options: a checkpoint from another run is refused.</param>
    /// <param name="snapshot">Takes a snapshot of the model (called between steps when one was requested).</param>
    /// <param name="snapshots">When to take snapshots unasked too (default: only when asked).</param>
    public TrainingLoop(ITrainable model, TrainingData data, TrainingOptions options, string fingerprint, LossScale scale,
        ITrainingObserver? observer = null, Func<int, TimeSpan, TrainingSnapshot>? snapshot = null, SnapshotSchedule? snapshots = null)
    {
        options.Validate();
        if (model.Parameters.Count == 0) throw new ArgumentException("the model has no learnable parameters to train");
        this.model = model;
        this.data = data;
        this.options = options;
        this.fingerprint = fingerprint;
        this.scale = scale;
        this.observer = observer;
        this.snapshot = snapshot;
        StepsPerEpoch = data.StepsPerEpoch(options.BatchSize);
        TotalSteps = options.Epochs is int epochs && data.IsFinite ? checked(epochs * StepsPerEpoch) : options.Steps;
        snapshotEvery = (snapshots ?? SnapshotSchedule.None).Interval(TotalSteps);
    }

    public int TotalSteps { get; }
    public int StepsPerEpoch { get; }

    /// <summary>Asks for a <see cref="TrainingSnapshot"/> after the step in progress; safe from any thread.</summary>
    public void RequestSnapshot() => Interlocked.Exchange(ref snapshotRequested, 1);

    /// <summary>
    /// Trains to the last step (or an early stop) and returns how it went. With <paramref name="checkpointPath"/>,
    /// checkpoints are written every CheckpointEvery steps and when <paramref name="cancellation"/> fires (then
    /// <see cref="TrainingCancelledException"/> names the file). <paramref name="resume"/> continues a checkpoint.
    /// </summary>
    public LoopResult Run(CancellationToken cancellation = default, string? checkpointPath = null, Checkpoint? resume = null)
    {
        var state = resume?.State ?? new LoopState { Fingerprint = fingerprint };
        if (state.Fingerprint != fingerprint)
            throw new CheckpointException(checkpointPath ?? "(resume)", "it was written by a run with another model, data or options");
        using var optimizer = new FlatAdam(model.Parameters);
        byte[]? bestWeights = null;
        byte[] goodWeights, goodOptimizer;
        if (resume is not null)
        {
            string file = checkpointPath ?? "(resume)";
            if (!resume.Blobs.ContainsKey(Weights)) throw new CheckpointException(file, "it holds no weights");
            if (!resume.Blobs.ContainsKey(OptimizerState))
                throw new CheckpointException(file, "it was written by an older FlowLive, whose optimizer state this one cannot read; start the run again");
            try { Restore(optimizer, resume.Blobs[Weights], resume.Blobs[OptimizerState]); }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException)
            {
                throw new CheckpointException(file, $"its weights or optimizer state do not fit this run: {e.Message}", e);
            }
            goodWeights = resume.Blobs.GetValueOrDefault(GoodWeights) ?? resume.Blobs[Weights];
            goodOptimizer = resume.Blobs.GetValueOrDefault(GoodOptimizer) ?? resume.Blobs[OptimizerState];
            bestWeights = resume.Blobs.GetValueOrDefault(BestWeights);
        }
        else
        {
            using var generator = RunSeeds.Generator(options.Seed, RunSeeds.Steps, 0);
            using (var scope = NewDisposeScope())
                model.InitializeFromData(data.Batch(1, options.BatchSize, options.Seed, generator), generator);
            (goodWeights, goodOptimizer) = (SaveWeights(), SaveOptimizer(optimizer));
        }

        var clock = Stopwatch.StartNew();
        TimeSpan Elapsed() => clock.Elapsed + TimeSpan.FromSeconds(state.SecondsBefore);
        int stepsThisSession = 0;
        observer?.OnEvent(new TrainingStarted(state.Step, TotalSteps, StepsPerEpoch, data.Description, Elapsed()));
        model.Train(true);
        try
        {
            while (state.Step < TotalSteps && !state.StoppedEarly)
            {
                if (cancellation.IsCancellationRequested)
                {
                    if (checkpointPath is not null) WriteCheckpoint(checkpointPath, state, optimizer, goodWeights, goodOptimizer, bestWeights, Elapsed());
                    throw new TrainingCancelledException(state.Step, checkpointPath);
                }
                int step = state.Step + 1;
                int epoch = data.EpochOf(step, options.BatchSize);
                double rate = options.LearningRate * options.Schedule.Factor(step, epoch, TotalSteps) * state.LearningRateScale;
                var (loss, bad) = TakeStep(optimizer, step, rate);
                bool last = step == TotalSteps;
                state.Step = step;
                if (bad is not null)
                {
                    state.Recoveries++;
                    if (state.Recoveries > options.MaxRecoveries) throw new TrainingDivergedException(step, options.MaxRecoveries, bad);
                    // The bad batch is skipped and training goes on from the last good state with half the rate; the step
                    // count still advances, so a run keeps its length and its schedule.
                    Restore(optimizer, goodWeights, goodOptimizer);
                    state.LearningRateScale /= 2;
                    state.WindowSum = 0;
                    state.WindowCount = 0;
                    observer?.OnEvent(new RecoveredFromNonFinite(step, state.LastGoodStep, bad, rate / 2, state.Recoveries, Elapsed()));
                    if (!last) continue; // the last step still validates and reports below
                }
                else
                {
                    state.WindowSum += loss;
                    state.WindowCount++;
                    stepsThisSession++;
                }

                bool epochEnd = data.IsFinite && step % StepsPerEpoch == 0;
                bool outOfTime = options.TimeBudget is { } budget && Elapsed() >= budget && !last;
                bool report = step % options.ReportEvery == 0 || last || outOfTime || (options.Epochs is not null && epochEnd);
                bool validate = data.Validation is not null &&
                    (last || outOfTime || (options.ValidateEvery > 0 ? step % options.ValidateEvery == 0 : data.IsFinite ? epochEnd : report));
                double? validation = null;
                if (validate)
                {
                    validation = Evaluate(model, data.Validation!, options.BatchSize, options.Seed, RunSeeds.Validation, options.ValidationTrim);
                    model.Train(true);
                    if (double.IsFinite(validation.Value) && (state.BestValidation is not double best || validation < best - options.MinImprovement))
                    {
                        state.BestValidation = validation;
                        state.BestStep = step;
                        state.ValidationsWithoutImprovement = 0;
                        bestWeights = SaveWeights();
                        observer?.OnEvent(new NewBestValidation(step, validation.Value, Elapsed()));
                    }
                    else
                    {
                        // No better (a non-finite validation loss counts as no better): patience runs down.
                        if (!double.IsFinite(validation.Value)) observer?.OnEvent(new NonFiniteValidation(step, validation.Value, Elapsed()));
                        if (options.Patience > 0 && ++state.ValidationsWithoutImprovement >= options.Patience) state.StoppedEarly = true;
                    }
                    report = true; // every validation reaches the history and the learning curve
                }
                if (report)
                {
                    double trainLoss = state.WindowCount > 0 ? state.WindowSum / state.WindowCount : state.LastTrainLoss;
                    state.LastTrainLoss = trainLoss;
                    var entry = new TrainingReport(step, TotalSteps, epoch, trainLoss, validation, rate,
                        clock.Elapsed.TotalSeconds > 0 ? stepsThisSession * (double)options.BatchSize / clock.Elapsed.TotalSeconds : 0,
                        Elapsed(), scale.Dimensions, scale.DiscreteImages);
                    state.History.Add(entry);
                    state.WindowSum = 0;
                    state.WindowCount = 0;
                    if (bad is null && double.IsFinite(trainLoss))
                    {
                        (goodWeights, goodOptimizer) = (SaveWeights(), SaveOptimizer(optimizer));
                        state.LastGoodStep = step;
                    }
                    observer?.OnEvent(entry);
                }
                if (state.StoppedEarly)
                    observer?.OnEvent(new StoppedEarly(step, state.BestStep, state.BestValidation ?? double.NaN, options.Patience, Elapsed()));
                else if (outOfTime)
                {
                    state.StoppedEarly = true;
                    observer?.OnEvent(new OutOfTime(step, options.TimeBudget!.Value, Elapsed()));
                }
                if (checkpointPath is not null && options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0 && !last)
                    WriteCheckpoint(checkpointPath, state, optimizer, goodWeights, goodOptimizer, bestWeights, Elapsed());
                bool scheduled = snapshotEvery > 0 && (step % snapshotEvery == 0 || last || state.StoppedEarly);
                if (snapshot is not null && (Interlocked.Exchange(ref snapshotRequested, 0) == 1 || scheduled))
                {
                    observer?.OnEvent(snapshot(step, Elapsed()));
                    model.Train(true);
                }
            }
        }
        finally
        {
            model.Train(false);
        }

        if (bestWeights is not null) LoadWeights(bestWeights);
        var total = Elapsed();
        observer?.OnEvent(new TrainingFinished(state.Step, state.StoppedEarly, total));
        return new LoopResult(state.Step, data.EpochOf(Math.Max(1, state.Step), options.BatchSize), state.LastTrainLoss,
            state.BestValidation, bestWeights is null ? null : state.BestStep, state.StoppedEarly, state.Recoveries, state.History, total);
    }

    /// <summary>One optimisation step: its loss, or what went wrong when the loss or the gradient was not finite (nothing changed then).</summary>
    (double Loss, string? Problem) TakeStep(FlatAdam optimizer, int step, double rate)
    {
        using var scope = NewDisposeScope();
        using var generator = RunSeeds.Generator(options.Seed, RunSeeds.Steps, step);
        var batch = data.Batch(step, options.BatchSize, options.Seed, generator);
        optimizer.ZeroGrad();
        var loss = model.Loss(batch, generator).mean();
        double value = loss.to(float64).item<double>();
        if (!double.IsFinite(value)) return (value, $"loss {value}");
        loss.backward();
        double norm = nn.utils.clip_grad_norm_(model.Parameters, options.GradientClip);
        if (!double.IsFinite(norm)) return (value, $"gradient norm {norm}");
        optimizer.Step(rate);
        return (value, null);
    }

    /// <summary>
    /// Mean loss of <paramref name="set"/> in evaluation mode and without gradients, in batches; any noise comes from a
    /// generator of its own (the same every call), so the same weights always give the same figure. With
    /// <paramref name="trim"/> &gt; 0, the mean after leaving out that fraction of the largest losses (at least one
    /// sample is always kept).
    /// </summary>
    public static double Evaluate(ITrainable model, Tensor set, int batchSize, long seed, ulong purpose, double trim = 0)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = RunSeeds.Generator(seed, purpose);
        model.Train(false);
        long n = set.shape[0];
        int evaluationBatch = Math.Max(batchSize, 1024);
        var losses = new List<Tensor>();
        for (long start = 0; start < n; start += evaluationBatch)
        {
            var batch = set[TensorIndex.Slice(start, Math.Min(n, start + evaluationBatch))];
            losses.Add(model.Loss(batch, generator).to(float64));
        }
        var all = cat(losses);
        long kept = Math.Max(1, n - (long)Math.Floor(trim * n));
        if (kept < n) all = all.sort().Values[TensorIndex.Slice(0, kept)];
        return all.sum().item<double>() / kept;
    }

    void WriteCheckpoint(string path, LoopState state, FlatAdam optimizer, byte[] goodWeights, byte[] goodOptimizer,
        byte[]? bestWeights, TimeSpan elapsed)
    {
        var blobs = new Dictionary<string, byte[]>
        {
            [Weights] = SaveWeights(),
            [OptimizerState] = SaveOptimizer(optimizer),
            [GoodWeights] = goodWeights,
            [GoodOptimizer] = goodOptimizer,
        };
        if (bestWeights is not null) blobs[BestWeights] = bestWeights;
        new Checkpoint { State = state with { SecondsBefore = elapsed.TotalSeconds, History = [.. state.History] }, Blobs = blobs }.Save(path);
        observer?.OnEvent(new CheckpointWritten(state.Step, path, elapsed));
    }

    byte[] SaveWeights()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) model.Module.save(writer);
        return stream.ToArray();
    }

    void LoadWeights(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        model.Module.load(reader, strict: true);
    }

    static byte[] SaveOptimizer(FlatAdam optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.Save(writer);
        return stream.ToArray();
    }

    void Restore(FlatAdam optimizer, byte[] weights, byte[] optimizerState)
    {
        LoadWeights(weights);
        using var reader = new BinaryReader(new MemoryStream(optimizerState));
        optimizer.Load(reader);
    }
}

/// <summary>How to read a loss: per-sample dimensions, and whether it is nats of 8-bit images (so bits/dim apply).</summary>
public sealed record LossScale(long Dimensions, bool DiscreteImages);

/// <summary>How a loop ended: steps taken, losses (nats per sample), where the best validation was, the history of reports.</summary>
public sealed record LoopResult(int Steps, int Epochs, double FinalTrainLoss, double? BestValidationLoss, int? BestStep,
    bool StoppedEarly, int Recoveries, IReadOnlyList<TrainingReport> History, TimeSpan Elapsed);
