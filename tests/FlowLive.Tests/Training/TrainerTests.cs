using FlowLive.Data.Toy;
using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Tests.Support;
using FlowLive.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Tests.Training;

/// <summary>The training loop: it learns, stays flat in memory, resumes bit for bit, survives NaNs, stops early.</summary>
public sealed class TrainerTests
{
    static Flow SmallRealNvp(long seed = 0)
    {
        var flow = Catalog.Get("realnvp").Create(Shape.Vector(2), new ArchitectureOptions { Steps = 4, Net = new() { Hidden = 16 } }).Build();
        using var generator = new Generator((ulong)seed + 1);
        WeightInitialisation.Apply(flow.Module, generator);
        return flow;
    }

    static readonly LossScale TwoD = new(2, false);

    static TrainingData Gaussians(int? trainSize = null, int validation = 2000)
    {
        var dataset = ToyDatasets.Get("two_gaussians");
        using var scope = NewDisposeScope();
        var held = validation > 0 ? dataset.Sample(validation, new Generator(77)) : null;
        return trainSize is int n
            ? TrainingData.Finite(dataset.Sample(n, new Generator(5)), held, null, "test")
            : TrainingData.Sampled(dataset.Sample, held, null, "test");
    }

    [Fact]
    public void Maximum_likelihood_lowers_the_validation_nll_of_two_gaussians()
    {
        using var flow = SmallRealNvp();
        using var data = Gaussians();
        var model = new FlowLikelihood(flow, dequantize: false);
        double before = TrainingLoop.Evaluate(model, data.Validation!, 256, 0, RunSeeds.Validation);
        var result = new TrainingLoop(model, data, new TrainingOptions { Steps = 300, BatchSize = 128, LearningRate = 3e-3 }, "t", TwoD).Run();
        double after = TrainingLoop.Evaluate(model, data.Validation!, 256, 0, RunSeeds.Validation);
        Assert.True(after < before - 0.5, $"validation NLL should fall by more than half a nat: {before:F3} -> {after:F3}");
        Assert.Equal(300, result.Steps);
        Assert.All(result.History, r => Assert.True(double.IsFinite(r.TrainLoss)));
    }

    [Fact]
    public void Memory_stays_flat_over_training_steps()
    {
        using var flow = SmallRealNvp();
        using var data = Gaussians(validation: 0);
        var model = new FlowLikelihood(flow, dequantize: false);
        var options = new TrainingOptions { Steps = 5, BatchSize = 64 };
        new TrainingLoop(model, data, options, "t", TwoD).Run(); // first steps create the gradients that then persist
        LiveTensors.AssertNoLeak(() => new TrainingLoop(model, data, options with { Steps = 50 }, "t", TwoD).Run(), "50 training steps");
    }

    [Fact]
    public void Bad_options_are_refused_before_any_step()
    {
        using var flow = SmallRealNvp();
        using var data = Gaussians(validation: 0);
        var model = new FlowLikelihood(flow, dequantize: false);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingLoop(model, data, new TrainingOptions { Steps = 0 }, "t", TwoD));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingLoop(model, data, new TrainingOptions { LearningRate = -1 }, "t", TwoD));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingLoop(model, data, new TrainingOptions { Patience = -1 }, "t", TwoD));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_run_stopped_and_resumed_matches_an_uninterrupted_one_bit_for_bit(bool finite)
    {
        string folder = Directory.CreateTempSubdirectory("flowlive-resume-").FullName;
        string checkpoint = Path.Combine(folder, "run.ckpt");
        // Validation, a schedule, and a checkpoint mid-window: everything the resumed run must carry over.
        var options = new TrainingOptions
        {
            Steps = 60, Epochs = finite ? 4 : null, BatchSize = 64, LearningRate = 3e-3, ReportEvery = 7, ValidateEvery = 9,
            Schedule = new CosineSchedule { WarmupSteps = 5 }, Seed = 3,
        };

        using var whole = SmallRealNvp();
        using var wholeData = Gaussians(finite ? 1000 : null, 500);
        var expected = new TrainingLoop(new FlowLikelihood(whole, false), wholeData, options, "t", TwoD).Run();

        using var part = SmallRealNvp();
        using var partData = Gaussians(finite ? 1000 : null, 500);
        var cancel = new CancellationTokenSource();
        var stopAt23 = new StopAt(23, cancel);
        var cancelled = Assert.Throws<TrainingCancelledException>(() =>
            new TrainingLoop(new FlowLikelihood(part, false), partData, options, "t", TwoD, stopAt23).Run(cancel.Token, checkpoint));
        Assert.Equal(checkpoint, cancelled.CheckpointPath);

        using var resumed = SmallRealNvp(seed: 99); // other initial weights: all must come from the checkpoint
        using var resumedData = Gaussians(finite ? 1000 : null, 500);
        var actual = new TrainingLoop(new FlowLikelihood(resumed, false), resumedData, options, "t", TwoD).Run(default, checkpoint, Checkpoint.Load(checkpoint));

        Assert.Equal(expected.Steps, actual.Steps);
        Assert.Equal(expected.History.Select(r => (r.Step, r.TrainLoss, r.ValidationLoss, r.LearningRate)),
                     actual.History.Select(r => (r.Step, r.TrainLoss, r.ValidationLoss, r.LearningRate)));
        Assert.Equal(expected.BestValidationLoss, actual.BestValidationLoss);
        var a = whole.Parameters().ToList();
        var b = resumed.Parameters().ToList();
        for (int i = 0; i < a.Count; i++) Assert.True((a[i] == b[i]).all().item<bool>(), $"parameter {i} differs after resuming");
        Directory.Delete(folder, true);
    }

    /// <summary>A run cancelled before its first step: all it leaves is the checkpoint at <paramref name="path"/>.</summary>
    static void WriteCancelledCheckpoint(Flow flow, TrainingData data, TrainingOptions options, string run, string path)
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws<TrainingCancelledException>(() => new TrainingLoop(new FlowLikelihood(flow, false), data, options, run, TwoD).Run(cancel.Token, path));
    }

    [Fact]
    public void A_checkpoint_of_another_run_or_a_corrupt_one_is_refused()
    {
        string folder = Directory.CreateTempSubdirectory("flowlive-ckpt-").FullName;
        string path = Path.Combine(folder, "run.ckpt");
        using var flow = SmallRealNvp();
        using var data = Gaussians(validation: 0);
        var options = new TrainingOptions { Steps = 10, BatchSize = 32 };
        WriteCancelledCheckpoint(flow, data, options, "run-a", path);
        var loop = new TrainingLoop(new FlowLikelihood(flow, false), data, options, "run-b", TwoD);
        Assert.Throws<CheckpointException>(() => loop.Run(default, path, Checkpoint.Load(path)));

        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var corrupt = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Contains("checksum", corrupt.Message);
        File.WriteAllBytes(path, bytes[..20]);
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Directory.Delete(folder, true);
    }

    [Fact]
    public void A_checkpoint_from_before_flat_adam_is_refused_with_a_reason()
    {
        string folder = Directory.CreateTempSubdirectory("flowlive-ckpt-").FullName;
        string path = Path.Combine(folder, "run.ckpt");
        using var flow = SmallRealNvp();
        using var data = Gaussians(validation: 0);
        var options = new TrainingOptions { Steps = 10, BatchSize = 32 };
        WriteCancelledCheckpoint(flow, data, options, "run", path);
        var written = Checkpoint.Load(path);
        Assert.Contains("adam", written.Blobs.Keys);

        // What the loop wrote with TorchSharp's Adam: the same blobs, the optimizer's under its old names and format.
        var old = new Checkpoint
        {
            State = written.State,
            Blobs = written.Blobs.ToDictionary(b => b.Key.Replace("adam", "optimizer"), b => b.Key.Contains("adam") ? new byte[] { 9, 9, 9 } : b.Value),
        };
        old.Save(path);
        var loop = new TrainingLoop(new FlowLikelihood(flow, false), data, options, "run", TwoD);
        var refused = Assert.Throws<CheckpointException>(() => loop.Run(default, path, Checkpoint.Load(path)));
        Assert.Contains("older FlowLive", refused.Message);

        var garbled = new Checkpoint { State = written.State, Blobs = written.Blobs.ToDictionary(b => b.Key, b => b.Key == "adam" ? new byte[] { 1, 0, 0, 0, 5 } : b.Value) };
        garbled.Save(path);
        var malformed = Assert.Throws<CheckpointException>(() => loop.Run(default, path, Checkpoint.Load(path)));
        Assert.Contains("optimizer state", malformed.Message);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void A_nan_loss_restores_the_last_good_weights_halves_the_rate_and_goes_on()
    {
        using var flow = SmallRealNvp();
        using var data = Gaussians(validation: 0);
        var model = new PoisonedAt(new FlowLikelihood(flow, false), 25, 26);
        var events = new Recorder();
        var result = new TrainingLoop(model, data, new TrainingOptions { Steps = 60, BatchSize = 64, ReportEvery = 10, LearningRate = 2e-3 }, "t", TwoD, events).Run();
        var recoveries = events.Of<RecoveredFromNonFinite>();
        Assert.Equal(2, recoveries.Count);
        Assert.All(recoveries, r => Assert.Equal(20, r.RestoredStep));
        Assert.Equal(5e-4, recoveries[1].NewLearningRate, 12);
        Assert.Equal(60, result.Steps);
        Assert.Equal(2, result.Recoveries);
        Assert.All(result.History, r => Assert.True(double.IsFinite(r.TrainLoss)));
        Assert.Equal(5e-4, result.History[^1].LearningRate, 12);
        Assert.All(flow.Parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
    }

    [Fact]
    public void Repeated_nans_give_up_with_a_typed_error()
    {
        using var flow = SmallRealNvp();
        using var data = Gaussians(validation: 0);
        var model = new PoisonedAt(new FlowLikelihood(flow, false), Enumerable.Range(5, 100).ToArray());
        var e = Assert.Throws<TrainingDivergedException>(() =>
            new TrainingLoop(model, data, new TrainingOptions { Steps = 60, BatchSize = 64, MaxRecoveries = 3 }, "t", TwoD).Run());
        Assert.Equal(8, e.Step);
        Assert.Contains("lower --lr", e.Message);
    }

    [Fact]
    public void Early_stopping_restores_the_weights_of_the_best_validation()
    {
        using var flow = SmallRealNvp();
        using var data = Gaussians(trainSize: 64, validation: 2000); // 64 points: a flow this size overfits them
        var model = new FlowLikelihood(flow, false);
        var events = new Recorder();
        var result = new TrainingLoop(model, data,
            new TrainingOptions { Steps = 4000, BatchSize = 64, LearningRate = 1e-2, ValidateEvery = 25, Patience = 4, ReportEvery = 25 }, "t", TwoD, events).Run();
        Assert.True(result.StoppedEarly, "64 training points should be overfitted long before 4000 steps");
        Assert.True(result.Steps < 4000);
        Assert.NotNull(result.BestStep);
        Assert.Single(events.Of<StoppedEarly>());
        double now = TrainingLoop.Evaluate(model, data.Validation!, 256, 0, RunSeeds.Validation);
        Assert.Equal(result.BestValidationLoss!.Value, now, 10);
        Assert.True(result.History.Where(r => r.ValidationLoss is not null).Min(r => r.ValidationLoss!.Value) >= now - 1e-9);
    }

    [Fact]
    public void A_time_budget_stops_the_run_with_the_best_validated_weights()
    {
        using var flow = SmallRealNvp();
        using var data = Gaussians(validation: 500);
        var events = new Recorder();
        var model = new FlowLikelihood(flow, false);
        var result = new TrainingLoop(model, data, new TrainingOptions { Steps = 1_000_000, BatchSize = 64, ReportEvery = 100, TimeBudget = TimeSpan.FromSeconds(1) },
            "t", TwoD, events).Run();
        Assert.True(result.Steps < 1_000_000);
        Assert.Single(events.Of<OutOfTime>());
        Assert.True(result.StoppedEarly);
        Assert.Equal(result.BestValidationLoss!.Value, TrainingLoop.Evaluate(model, data.Validation!, 64, 0, RunSeeds.Validation), 10);
    }

    [Fact]
    public void Schedules_give_their_factors()
    {
        Assert.Equal(1, new ConstantSchedule().Factor(500, 3, 1000));
        var step = new StepDecaySchedule { Gamma = 0.5, EveryEpochs = 2 };
        Assert.Equal([1, 1, 0.5, 0.5, 0.25], Enumerable.Range(1, 5).Select(e => step.Factor(1, e, 10)));
        var cosine = new CosineSchedule { WarmupSteps = 10 };
        Assert.Equal(0.1, cosine.Factor(1, 1, 110), 12);
        Assert.Equal(1, cosine.Factor(10, 1, 110), 12);
        Assert.Equal(0.5, cosine.Factor(60, 1, 110), 12);
        Assert.Equal(0, cosine.Factor(110, 1, 110), 12);
        Assert.Equal(new StepDecaySchedule { Gamma = 0.9, EveryEpochs = 1 }, LearningRateSchedule.Parse("step:0.9"));
        Assert.Equal(new CosineSchedule { WarmupSteps = 100 }, LearningRateSchedule.Parse("cosine:100"));
        Assert.Throws<ArgumentException>(() => LearningRateSchedule.Parse("step:2"));
        Assert.Throws<ArgumentException>(() => LearningRateSchedule.Parse("linear"));
    }

    [Fact]
    public void Finite_sets_visit_every_point_once_per_epoch_in_an_order_fixed_by_the_seed()
    {
        using var scope = NewDisposeScope();
        using var data = TrainingData.Finite(arange(10, dtype: float32).reshape(10, 1), null, null, "t");
        Assert.Equal(3, data.StepsPerEpoch(4));
        float[] Epoch(int epoch, long seed) => Enumerable.Range(1, 3)
            .SelectMany(s => data.Batch((epoch - 1) * 3 + s, 4, seed, new Generator(1)).data<float>().ToArray()).ToArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), Epoch(1, 0).Order());
        Assert.Equal(Epoch(2, 0), Epoch(2, 0));
        Assert.NotEqual(Epoch(1, 0), Epoch(2, 0));
        Assert.NotEqual(Epoch(1, 0), Epoch(1, 1));
    }

    [Fact]
    public void Snapshots_arrive_when_asked_for()
    {
        using var flow = SmallRealNvp();
        using var data = Gaussians(validation: 500);
        var events = new Recorder();
        TrainingLoop? loop = null;
        events.OnReport = r => { if (r.Step == 20) loop!.RequestSnapshot(); };
        loop = new TrainingLoop(new FlowLikelihood(flow, false), data, new TrainingOptions { Steps = 40, BatchSize = 64, ReportEvery = 10 }, "t", TwoD, events,
            (step, elapsed) => FlowSnapshots.Take(flow, step, elapsed, data.Validation, 0));
        loop.Run();
        var snapshot = Assert.Single(events.Of<TrainingSnapshot>());
        Assert.Equal(20, snapshot.Step);
        Assert.Equal(FlowSnapshots.SampleCount * 2, snapshot.Samples.Length);
        Assert.NotNull(snapshot.Density);
        Assert.Equal(FlowSnapshots.GridResolution * FlowSnapshots.GridResolution, snapshot.Density!.LogDensity.Length);
        Assert.All(snapshot.Density.LogDensity, v => Assert.True(float.IsFinite(v)));
    }

    sealed class Recorder : ITrainingObserver
    {
        public List<TrainingEvent> Events { get; } = [];
        public Action<TrainingReport>? OnReport { get; set; }
        public void OnEvent(TrainingEvent e)
        {
            Events.Add(e);
            if (e is TrainingReport r) OnReport?.Invoke(r);
        }
        public List<T> Of<T>() => Events.OfType<T>().ToList();
    }

    /// <summary>Cancels the run once step <paramref name="step"/> has been reported or passed.</summary>
    sealed class StopAt(int step, CancellationTokenSource source) : ITrainingObserver
    {
        public void OnEvent(TrainingEvent e)
        {
            if (e is TrainingReport or NewBestValidation && e.Step >= step) source.Cancel();
        }
    }

    /// <summary>A model whose loss is NaN at the given steps (counted by calls made while training).</summary>
    /// <summary>A "model" whose loss of a sample is the sample's first value: evaluation arithmetic in plain sight.</summary>
    sealed class LossIsTheValue : ITrainable
    {
        readonly nn.Module module = nn.Linear(1, 1);
        public nn.Module Module => module;
        public IReadOnlyList<Parameter> Parameters => [];
        public void Train(bool training) { }
        public void InitializeFromData(Tensor batch, Generator generator) { }
        public Tensor Loss(Tensor batch, Generator generator) => batch[.., 0].clone();
    }

    [Fact]
    public void Validation_can_leave_out_its_worst_samples_so_one_odd_sample_cannot_decide_early_stopping()
    {
        // 2,000 samples of loss 1..2000, one of them (the last) replaced by 1e9; evaluated in batches of 1,024.
        var values = Enumerable.Range(1, 2000).Select(v => (double)v).ToArray();
        values[^1] = 1e9;
        using var set = tensor(values, float64).unsqueeze(1);
        var model = new LossIsTheValue();
        Assert.Equal(values.Average(), TrainingLoop.Evaluate(model, set, 256, 0, RunSeeds.Validation), 6);
        // 0.005 of 2,000: the 10 largest (1e9 and 1991..1999) are left out.
        Assert.Equal(Enumerable.Range(1, 1990).Average(), TrainingLoop.Evaluate(model, set, 256, 0, RunSeeds.Validation, trim: 0.005), 9);
        Assert.Equal(1.0, TrainingLoop.Evaluate(model, set[..1], 256, 0, RunSeeds.Validation, trim: 0.4), 9); // one sample is always kept
        LiveTensors.AssertNoLeak(() => TrainingLoop.Evaluate(model, set, 256, 0, RunSeeds.Validation, trim: 0.005), "a trimmed evaluation");
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { ValidationTrim = 0.5 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { ValidationTrim = -0.1 }.Validate());
    }

    sealed class PoisonedAt(ITrainable inner, params int[] steps) : ITrainable
    {
        int calls;
        public nn.Module Module => inner.Module;
        public IReadOnlyList<Parameter> Parameters => inner.Parameters;
        public void Train(bool training) => inner.Train(training);
        public void InitializeFromData(Tensor batch, Generator generator) => inner.InitializeFromData(batch, generator);
        public Tensor Loss(Tensor batch, Generator generator)
        {
            var loss = inner.Loss(batch, generator);
            return steps.Contains(++calls) ? loss * float.NaN : loss;
        }
    }
}
