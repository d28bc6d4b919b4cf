using FlowLive.Data;
using System.CommandLine;
using FlowLive.Data.Toy;
using FlowLive.Models;
using FlowLive.Cli;
using FlowLive.Training;
using static TorchSharp.torch;

namespace FlowLive.Cli.Commands;

/// <summary>
/// `flowlive eval MODEL`: the model's NLL on held-out data rebuilt from the request stored in the model (the same
/// points or test images its training reported on), in nats and, for images, bits/dim; and where the dataset's
/// density is known, the gap to the best possible NLL.
/// </summary>
public static class EvalCommand
{
    /// <summary>Rows per evaluation call (the trainer evaluates in batches of at least this many).</summary>
    const int EvaluationRows = 1024;

    public static Command Create(TextWriter output)
    {
        var model = new Argument<FileInfo>("model") { Description = "model file (.flow)" };
        var testSize = new Option<int?>("--test-size") { Description = "held-out points (2-D) or test images to use (default: as in training)" };
        var threads = ThreadCount.Option();
        var command = new Command("eval", "held-out NLL (nats, bits/dim for images) of a model and, where the data's density is known, the gap to the best possible")
        {
            model, testSize, threads,
        };
        command.SetAction(parsed =>
        {
            using var loaded = ModelFile.Load(parsed.GetValue(model)!.FullName);
            var request = ModelRequests.Of(loaded);
            if (request.Target is not null)
                throw new InvalidOperationException($"{loaded.Path} was fitted to the target density {request.Target} by reverse KL; it has no held-out data (see `flowlive info`)");
            if (parsed.GetValue(testSize) is int n)
            {
                if (n < 1 || n > TrainingLimits.MaxPoints) throw new UsageException("--test-size", $"must be between 1 and {TrainingLimits.MaxPoints:N0}");
                request = request with { Data = request.Data with { TestSize = n } };
            }
            bool images = ImageDatasets.IsImageDataset(request.Dataset);
            ThreadCount.Apply(parsed.GetValue(threads), ThreadCount.LargestProduct(loaded.Flow.Module, EvaluationRows));
            var (data, description, entropy) = ModelRequests.HeldOut(request, output);
            using (data)
            {
                var objective = new FlowLikelihood(loaded.Flow, dequantize: images);
                double nll = TrainingLoop.Evaluate(objective, data.Test!, EvaluationRows, request.Training.Seed, RunSeeds.Test);
                var gapEstimate = entropy is null ? null : GapEstimate.Measure(loaded.Flow, entropy, data.Test!);
                var metrics = new TrainingMetrics
                {
                    TestLoss = nll,
                    TestCount = data.Test!.shape[0],
                    Dimensions = loaded.Flow.DataShape.Size,
                    DiscreteImages = images,
                    DataEntropy = entropy?.Entropy.Nats,
                    DataEntropyStandardError = entropy?.Entropy.StandardError,
                    Gap = gapEstimate?.Nats,
                    GapStandardError = gapEstimate?.StandardError,
                };
                if (!double.IsFinite(nll)) throw new InvalidOperationException($"{loaded.Path}: its log-likelihood of the held-out data is not finite ({nll})");
                output.WriteLine($"model    {loaded.Spec.Name} ({loaded.Path})");
                output.WriteLine($"data     {description}");
                output.WriteLine(metrics.TestBitsPerDim is double bpd
                    ? $"test     {bpd:F4} bits/dim ({nll:F2} nats per image, {metrics.TestCount:N0} images)"
                    : $"test     {nll:F4} nats per point ({metrics.TestCount:N0} points)");
                if (metrics.Gap is double gap)
                    output.WriteLine($"gap      {gap:F4} +- {metrics.GapStandardError:F4} nats to the best possible (KL on these points; the data's entropy is " +
                                     $"{metrics.DataEntropy:F4}, {(entropy!.Entropy.IsExact ? "exact" : $"Monte Carlo, standard error {entropy.Entropy.StandardError:F4}")})");
            }
            return 0;
        });
        return command;
    }
}
