using FlowLive.Data;
using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Models;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// Trains a ready-made image flow on 8-bit images, dequantized afresh each batch ((k + u) / 256, so the model's
/// density lives on [0, 1)^D), and reports test bits per dimension (Theis et al. 2016).
/// </summary>
public static class ImageTraining
{
    public static TrainedFlow Train(string datasetName, ImageDataset train, ImageDataset test, Architecture architecture,
        ArchitectureOptions architectureOptions, TrainingOptions options, Device device, int testImages = 2000,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var shape = train.SampleShape;
        long dimensions = shape.Size;
        var spec = architecture.Create(shape, architectureOptions);
        random.manual_seed(options.Seed);
        var flow = spec.Build().To(device, ScalarType.Float32);
        try
        {
            using var trainPixels = train.ToTensor();
            Tensor NextBatch(long size, Generator generator)
            {
                var indices = randint(0, train.Count, [size], dtype: int64, generator: generator);
                return Likelihood.Dequantize(trainPixels.index_select(0, indices), generator);
            }
            double trainNll = Trainer.Fit(flow, NextBatch, options, device, progress, cancellation);

            using var testGenerator = new Generator((ulong)(options.Seed + 1_000_003));
            using var testPixels = test.Subset(0, Math.Min(testImages, test.Count)).ToTensor();
            using var testData = Likelihood.Dequantize(testPixels, testGenerator).to(device);
            double testNll = Trainer.Evaluate(flow, testData, batchSize: 256);

            double trainBits = Likelihood.BitsPerDim(-trainNll, dimensions);
            double testBits = Likelihood.BitsPerDim(-testNll, dimensions);
            var model = new ModelSpec
            {
                Name = $"{datasetName}-{shape[1]}x{shape[2]}-{architecture.Name}",
                Flow = flow.Spec,
                Dataset = datasetName,
                Metrics = new Dictionary<string, double>
                {
                    ["train_bits_per_dim"] = trainBits,
                    ["test_bits_per_dim"] = testBits,
                    ["test_images"] = testPixels.shape[0],
                    ["steps"] = options.Steps,
                    ["batch_size"] = options.BatchSize,
                    ["seconds"] = clock.Elapsed.TotalSeconds,
                },
            };
            return new TrainedFlow(flow, model, clock.Elapsed);
        }
        catch
        {
            flow.Dispose();
            throw;
        }
    }
}
