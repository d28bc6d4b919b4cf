using System.Text.Json;
using FlowLive.Data;
using FlowLive.Figures;
using FlowLive.Imaging;
using FlowLive.Models;
using FlowLive.Training;
using FlowLive.Vae;
using static TorchSharp.torch;

namespace FlowLive.Cli;

/// <summary>
/// Runs a VAE request (the vae-flowprior preset): trains the three priors, writes each model (.vae), a metrics JSON
/// with the table, and the figures: test -ELBO by prior, posterior against prior samples in latent space (PCA to 2-D
/// when the latent space is larger), and a grid of samples per prior. With several seeds the models and figures are the
/// first seed's and the metrics are means over the seeds. Returns the metrics the preset's bar reads.
/// </summary>
public static class VaePresetRunner
{
    public static IReadOnlyDictionary<string, double> Run(TrainingRequest request, string folder, TextWriter output,
        ITrainingObserver? observer, CancellationToken cancellation)
    {
        if (!ImageDatasets.IsImageDataset(request.Dataset)) throw new UsageException("--dataset", "the VAE trains on digit images (mnist or fashion-mnist)");
        var (train, test) = ImageDatasets.Load(request.Dataset, request.Data.DataDir, output);
        (train, test) = (train.DownscaleTo(request.Data.ImageSize), test.DownscaleTo(request.Data.ImageSize));
        test = StratifiedSplit.Take(test, Math.Max(1, request.Data.TestSize));
        var options = request.Vae! with { ValidationImages = request.Data.ValidationSize };
        string name = request.Name ?? "vae";
        Directory.CreateDirectory(folder);

        using var result = VaeExperiment.Run(train, test, options, request.Training, observer, cancellation, output.WriteLine);
        var metrics = new Dictionary<string, double> { ["flow_minus_gaussian_nelbo"] = -result.FlowGainOverGaussian, ["seeds"] = result.Repeats.Count, ["seconds"] = result.Elapsed.TotalSeconds };
        if (result.Repeats.Count > 1)
        {
            metrics["flow_minus_gaussian_nelbo_standard_error"] = result.FlowGainStandardError;
            foreach (var repeat in result.Repeats) metrics[$"seed{repeat.Seed}_flow_minus_gaussian_nelbo"] = -repeat.FlowGainOverGaussian;
        }
        foreach (var prior in VaeExperiment.PriorNames)
        {
            metrics[$"{prior}_test_negative_elbo"] = result.MeanTestNegativeElbo(prior);
            metrics[$"{prior}_test_nll_importance_weighted"] = result.MeanTestNegativeLogLikelihood(prior);
        }
        foreach (var prior in result.Priors)
        {
            string path = Path.Combine(folder, $"{name}-{prior.Prior}{VaeFile.Extension}");
            VaeFile.Save(path, new VaeModelSpec
            {
                Name = $"{name}-{prior.Prior}",
                Vae = prior.Vae.Spec,
                Dataset = request.Dataset,
                Metrics = new Dictionary<string, double>
                {
                    ["test_negative_elbo"] = prior.TestNegativeElbo,
                    ["test_nll_importance_weighted"] = prior.TestNegativeLogLikelihood,
                    ["steps"] = prior.Loop.Steps,
                    ["stopped_early"] = prior.Loop.StoppedEarly ? 1 : 0,
                },
            }, prior.Vae);
            output.WriteLine($"wrote {path}");
        }

        string metricsPath = Path.Combine(folder, name + ".json");
        AtomicFile.WriteText(metricsPath, JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
        WriteFigures(result, folder, name, request.Training.Seed, output);

        WriteTable(result, output);
        output.WriteLine($"wrote {metricsPath}");
        return metrics;
    }

    static void WriteTable(VaeExperiment.Result result, TextWriter output)
    {
        bool several = result.Repeats.Count > 1;
        output.WriteLine();
        output.WriteLine($"{"prior",-10} {"test -ELBO",12} {"-log p(x) (IW)",16}{(several ? $"   (means over {result.Repeats.Count} seeds)" : "")}");
        foreach (var prior in VaeExperiment.PriorNames)
            output.WriteLine($"{prior,-10} {result.MeanTestNegativeElbo(prior),12:F2} {result.MeanTestNegativeLogLikelihood(prior),16:F2}");
        if (several)
            foreach (var repeat in result.Repeats)
                output.WriteLine($"seed {repeat.Seed}: " + string.Join(", ", repeat.Scores.Select(s => $"{s.Prior} {s.TestNegativeElbo:F2}")) +
                                 $"; the flow prior {repeat.FlowGainOverGaussian:F2} nats better");
        string spread = several ? $" +- {result.FlowGainStandardError:F2} (standard error over {result.Repeats.Count} seeds)" : "";
        output.WriteLine($"the flow prior is {result.FlowGainOverGaussian:F2}{spread} nats better than the Gaussian prior in test -ELBO ({result.TestImages.shape[0]:N0} test images)");
    }

    static void WriteFigures(VaeExperiment.Result result, string folder, string name, long seed, TextWriter output)
    {
        string Save(Figure figure, string suffix)
        {
            string path = Path.Combine(folder, $"{name}-{suffix}.png");
            using (figure) figure.SavePng(path);
            return path;
        }
        string over = result.Repeats.Count > 1 ? $", mean of {result.Repeats.Count} seeds" : "";
        output.WriteLine($"wrote {Save(BarFigures.Render(VaeExperiment.PriorNames.ToList(), VaeExperiment.PriorNames.Select(result.MeanTestNegativeElbo).ToList(),
            $"Test -ELBO by prior (lower is better{over})", "-ELBO (nats per image)"), "negative-elbo")}");

        using var scope = NewDisposeScope();
        foreach (var prior in result.Priors)
        {
            using var generator = RunSeeds.Generator(seed, RunSeeds.Snapshots);
            int n = (int)Math.Min(2000, result.TestImages.shape[0]);
            var posterior = prior.Vae.PosteriorSamples(result.TestImages[TensorIndex.Slice(0, n)], generator);
            var priorSamples = prior.Vae.PriorSamples(n, generator);
            using var projection = LatentProjection.Fit(posterior);
            float[] Points(Tensor z) => projection.Project(z).to(float32).cpu().contiguous().data<float>().ToArray();
            string axes = prior.Vae.LatentDimension > 2 ? "PCA " : "";
            output.WriteLine($"wrote {Save(ScatterFigures.Overlay([new PointSet("prior samples", Points(priorSamples)), new PointSet("posterior samples", Points(posterior))],
                $"{prior.Prior} prior: latent space", axes + "z1", axes + "z2"), $"{prior.Prior}-latent")}");

            var pixels = prior.Vae.SampleProbabilities(64, generator).to(float32).cpu().contiguous();
            int side = (int)Math.Round(Math.Sqrt(prior.Vae.DataDimension));
            string grid = Path.Combine(folder, $"{name}-{prior.Prior}-samples.png");
            ImageGrid.Render(pixels.data<float>().ToArray(), 64, 1, side, side, columns: 8, zoom: 3).SavePng(grid);
            output.WriteLine($"wrote {grid}");
        }
    }
}
