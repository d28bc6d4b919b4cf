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
        var shape = train.SampleShape;
        long dimensions = shape.Size;
        return TrainedFlow.Create(architecture.Create(shape, architectureOptions), options, device, flow =>
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
            return new ModelSpec
            {
                Name = $"{datasetName}-{shape[1]}x{shape[2]}-{architecture.Name}",
                Flow = flow.Spec,
                Dataset = datasetName,
                Metrics = new Dictionary<string, double>
                {
                    ["train_bits_per_dim"] = Likelihood.BitsPerDim(-trainNll, dimensions),
                    ["test_bits_per_dim"] = Likelihood.BitsPerDim(-testNll, dimensions),
                    ["test_images"] = testPixels.shape[0],
                },
            };
        });
    }
}
