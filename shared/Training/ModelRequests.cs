using FlowLive.Data;
using FlowLive.Data.Toy;
using FlowLive.Models;

namespace FlowLive.Training;

/// <summary>The training request a model was made with (older files: rebuilt from their dataset name), and its held-out data.</summary>
public static class ModelRequests
{
    public static TrainingRequest Of(LoadedModel model)
    {
        if (model.Spec.Request is { } request) return request;
        string dataset = model.Spec.Dataset ?? throw new InvalidOperationException($"{model.Path} does not say what data it was trained on");
        if (dataset.StartsWith("target:", StringComparison.Ordinal)) return new TrainingRequest { Target = dataset["target:".Length..] };
        var shape = model.Flow.DataShape;
        return new TrainingRequest
        {
            Dataset = dataset,
            Data = shape.IsImage ? new DataOptions { ImageSize = (int)shape[1] } : new DataOptions(),
        };
    }

    /// <summary>The request's held-out data (validation and test sets; no training set is drawn or loaded twice).</summary>
    public static (TrainingData Data, string Description, IKnownDensity? Entropy) HeldOut(TrainingRequest request, TextWriter log)
    {
        if (ImageDatasets.IsImageDataset(request.Dataset))
        {
            var (data, _, description) = RunDatasets.Images(request, (name, dir) => ImageDatasets.Load(name, dir, log));
            return (data, description, null);
        }
        var (toy, _, toyDescription, entropy) = RunDatasets.Toy(request);
        return (toy, toyDescription, entropy);
    }
}
