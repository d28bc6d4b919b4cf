using System.Collections.Concurrent;
using FlowLive.Data;
using FlowLive.Imaging;
using FlowLive.Server.Registry;
using FlowLive.Server.Wire;
using FlowLive.Training;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace FlowLive.Server.Compute;

/// <summary>
/// Examples of a model's data, rebuilt from the training request its file records: fresh draws of a toy data set
/// (from the run's seeds, so the same request gives the same points), or test images of an image data set (read once
/// per model and kept, since reading and converting them takes a moment). Runs on the compute scheduler.
/// </summary>
public sealed class DataExamples(ILogger<DataExamples> log)
{
    /// <summary>Test images kept per model file (by its checksum, so a reloaded model reads its data again).</summary>
    private readonly ConcurrentDictionary<string, float[]> images = new(StringComparer.Ordinal);
    private const int MaxImages = 10_000;

    public (Batch Examples, string Dataset) Draw(HostedModel model, long count, long seed)
    {
        TrainingRequest request;
        try { request = ModelRequests.Of(model.Loaded); }
        catch (InvalidOperationException e) { throw Problems.Precondition($"model '{model.Name}': {e.Message}"); }
        if (request.Target is { Length: > 0 } target)
            throw Problems.Precondition($"model '{model.Name}' was fitted to the energy target '{target}': it has no data to sample");
        var shape = model.DataShape;
        if (ImageDatasets.IsImageDataset(request.Dataset))
        {
            var pool = images.GetOrAdd(model.Sha256, _ => LoadImages(model, request));
            long size = shape.Size, available = pool.Length / size;
            if (count > available) throw Problems.OverCap("count", $"the {available:N0} test images of {request.Dataset} on this server", $"asks for {count:N0}");
            var order = Enumerable.Range(0, (int)available).ToArray();
            new Random(unchecked((int)seed ^ (int)(seed >> 32))).Shuffle(order);
            var values = new float[count * size];
            for (int i = 0; i < count; i++) Array.Copy(pool, order[i] * size, values, i * size, size);
            return (new Batch(values, count, shape), request.Dataset);
        }
        var toy = request with
        {
            Training = request.Training with { Seed = seed },
            Data = request.Data with { TrainSize = null, ValidationSize = 0, TestSize = (int)count },
        };
        try
        {
            var (data, name, _, _) = RunDatasets.Toy(toy);
            using (data)
                return (new Batch(FlowTensors.Floats(data.Test!), count, shape), name);
        }
        catch (ArgumentException e)
        {
            throw Problems.Precondition($"model '{model.Name}': its data cannot be rebuilt here: {e.Message}");
        }
    }

    private float[] LoadImages(HostedModel model, TrainingRequest request)
    {
        var held = request with { Data = request.Data with { ValidationSize = 0, TestSize = MaxImages } };
        try
        {
            var (data, _, description) = RunDatasets.Images(held, (name, dir) => ImageDatasets.Load(name, dir, TextWriter.Null));
            using (data)
            {
                log.LogInformation("model {Name}: data examples from {Description}", model.Name, description);
                // The test split holds pixel counts 0..255; the model sees (k + u) / 256 (Likelihood.Dequantize), so an
                // example on its scale is the centre of its pixel's bin, (k + 1/2) / 256, deterministic and inside (0, 1).
                using var scope = torch.NewDisposeScope();
                return FlowTensors.Floats((data.Test!.to(torch.ScalarType.Float64) + 0.5) / 256);
            }
        }
        catch (Exception e) when (e is MissingPrerequisiteException or IOException or InvalidDataException or ArgumentException)
        {
            throw Problems.Precondition($"model '{model.Name}': the {request.Dataset} images are not available on this server ({e.Message})");
        }
    }
}
