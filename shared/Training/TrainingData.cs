using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// What a run learns from and is judged on: either a finite training set (shuffled afresh each epoch) or a sampler
/// that draws fresh points every step, plus an optional validation set (early stopping) and test set (the reported
/// figure), kept apart. Tensors are held on the CPU and owned by this object; batches move to the model's device.
/// </summary>
public sealed class TrainingData : IDisposable
{
    readonly Tensor? trainSet;
    readonly Func<long, Generator, Tensor>? sampler;
    (long Seed, int Epoch) permutationKey;
    Tensor? permutation;

    TrainingData(Tensor? trainSet, Func<long, Generator, Tensor>? sampler, Tensor? validation, Tensor? test, string description)
    {
        this.trainSet = trainSet?.DetachFromDisposeScope();
        this.sampler = sampler;
        Validation = validation?.DetachFromDisposeScope();
        Test = test?.DetachFromDisposeScope();
        Description = description;
    }

    /// <summary>A finite training set [N, ...]: epochs of shuffled batches.</summary>
    public static TrainingData Finite(Tensor train, Tensor? validation, Tensor? test, string description)
    {
        if (train.shape[0] < 1) throw new ArgumentException("the training set is empty");
        return new(train, null, validation, test, description);
    }

    /// <summary>Fresh samples every step from <paramref name="sample"/>(n, generator).</summary>
    public static TrainingData Sampled(Func<long, Generator, Tensor> sample, Tensor? validation, Tensor? test, string description) =>
        new(null, sample, validation, test, description);

    public Tensor? Validation { get; }
    public Tensor? Test { get; }
    public string Description { get; }
    public bool IsFinite => trainSet is not null;
    public long? TrainCount => trainSet?.shape[0];

    /// <summary>Batches per epoch for a finite set (the last may be partial); 0 for a sampler.</summary>
    public int StepsPerEpoch(int batchSize) => trainSet is null ? 0 : (int)((trainSet.shape[0] + batchSize - 1) / batchSize);

    /// <summary>The epoch (1-based) that <paramref name="step"/> (1-based) falls in; always 1 for a sampler.</summary>
    public int EpochOf(int step, int batchSize) => trainSet is null ? 1 : (step - 1) / StepsPerEpoch(batchSize) + 1;

    /// <summary>
    /// The batch of <paramref name="step"/>: a slice of this epoch's permutation (drawn from the run seed and the epoch
    /// alone) or a fresh draw from <paramref name="generator"/>. Freed by the caller's dispose scope.
    /// </summary>
    public Tensor Batch(int step, int batchSize, long seed, Generator generator)
    {
        if (trainSet is null) return sampler!(batchSize, generator);
        int perEpoch = StepsPerEpoch(batchSize);
        int epoch = (step - 1) / perEpoch + 1;
        if (permutation is null || permutationKey != (seed, epoch))
        {
            permutation?.Dispose();
            using var g = RunSeeds.Generator(seed, RunSeeds.Epochs, epoch);
            permutation = randperm(trainSet.shape[0], generator: g).DetachFromDisposeScope();
            permutationKey = (seed, epoch);
        }
        long start = (long)((step - 1) % perEpoch) * batchSize;
        long end = Math.Min(trainSet.shape[0], start + batchSize);
        return trainSet.index_select(0, permutation[TensorIndex.Slice(start, end)]);
    }

    public void Dispose()
    {
        trainSet?.Dispose();
        Validation?.Dispose();
        Test?.Dispose();
        permutation?.Dispose();
    }
}
