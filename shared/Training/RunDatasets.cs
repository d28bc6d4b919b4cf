using FlowLive.Data;
using FlowLive.Data.Toy;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// The data of a <see cref="TrainingRequest"/>: training set or sampler, validation and test sets, each drawn from its
/// own seed (<see cref="RunSeeds"/>), so `eval` rebuilds exactly the held-out set a run was measured on.
/// </summary>
public static class RunDatasets
{
    /// <summary>The request's 2-D toy set; an ArgumentException naming Dataset when there is none of that name.</summary>
    public static IToyDataset ToySet(TrainingRequest request)
    {
        try { return ToyDatasets.Get(request.Dataset); }
        catch (ArgumentException e) { throw new ArgumentException($"Dataset: {e.Message}"); }
    }

    /// <summary>Images train at 28x28 (full size) or 14x14; anything else is an ArgumentException naming Data.ImageSize.</summary>
    public static void CheckImageSize(TrainingRequest request)
    {
        if (request.Data.ImageSize is not (14 or 28))
            throw new ArgumentException($"Data.ImageSize: 28 (full size) or 14, not {request.Data.ImageSize}");
    }

    public static (TrainingData Data, string Name, string Description, IKnownDensity? Entropy) Toy(TrainingRequest request)
    {
        var dataset = ToySet(request);
        var o = request.Data;
        var seed = request.Training.Seed;
        using var scope = NewDisposeScope();
        Tensor? train = null;
        if (o.TrainSize is int n)
        {
            using var g = RunSeeds.Generator(seed, RunSeeds.Data);
            train = dataset.Sample(n, g);
        }
        Tensor Held(int count, ulong purpose)
        {
            using var g = RunSeeds.Generator(seed, purpose);
            return dataset.Sample(count, g);
        }
        var validation = o.ValidationSize > 0 ? Held(o.ValidationSize, RunSeeds.Validation) : null;
        var test = o.TestSize > 0 ? Held(o.TestSize, RunSeeds.Test) : null;
        string description = train is null
            ? $"{dataset.Name} (fresh points every step, {o.ValidationSize:N0} validation, {o.TestSize:N0} test)"
            : $"{dataset.Name} ({train.shape[0]:N0} training points, {o.ValidationSize:N0} validation, {o.TestSize:N0} test)";
        var data = train is null
            ? TrainingData.Sampled(dataset.Sample, validation, test, description)
            : TrainingData.Finite(train, validation, test, description);
        return (data, dataset.Name, description, dataset as IKnownDensity);
    }

    public static (TrainingData Data, string Name, string Description) Images(TrainingRequest request, TrainingRun.ImageLoader images)
    {
        CheckImageSize(request);
        var o = request.Data;
        var (train, test) = images(request.Dataset, o.DataDir);
        (train, test) = (train.DownscaleTo(o.ImageSize), test.DownscaleTo(o.ImageSize));
        int validationCount = Math.Clamp(o.ValidationSize, 0, train.Count - 1);
        if (o.ValidationSize > 0 && validationCount == 0) throw new ArgumentException("Data.ValidationSize: the training split is too small to hold any out");
        var (fit, held) = StratifiedSplit.HoldOut(train, validationCount);
        var measured = StratifiedSplit.Take(test, Math.Max(o.TestSize, 1));
        string name = request.Dataset.ToLowerInvariant();
        string description = $"{name} {train.Height}x{train.Width} ({fit.Count:N0} training, {validationCount:N0} validation, {measured.Count:N0} test images)";
        return (TrainingData.Finite(fit.ToTensor(), validationCount > 0 ? held.ToTensor() : null, measured.ToTensor(), description), name, description);
    }

}
