using FlowLive.Data;
using System.CommandLine;
using FlowLive.Data.Toy;
using FlowLive.Figures;
using FlowLive.Flows;
using FlowLive.Imaging;
using FlowLive.Models;
using FlowLive.Cli;
using FlowLive.Training;
using static TorchSharp.torch;

namespace FlowLive.Cli.Commands;

/// <summary>
/// `flowlive report MODEL`: the figures a teacher puts on a slide, as PNG beside the model (or in --out): learning
/// curves from the metrics JSON, and for 2-D models the density with samples, samples over the data, the data pushed
/// to latent space, the density after each layer and the samples after each layer; for image models a sample grid,
/// each sample after each layer, and latent interpolations between real test images of different classes.
/// </summary>
public static class ReportCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<FileInfo>("model") { Description = "model file (.flow)" };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "folder for the PNG figures (default: beside the model)" };
        var seed = CommonOptions.Seed();
        var command = new Command("report", "write a model's figures as PNG: learning curves, densities, samples, layer by layer") { model, outDir, seed };
        command.SetAction(parsed =>
        {
            var file = parsed.GetValue(model)!;
            string folder = parsed.GetValue(outDir)?.FullName ?? file.DirectoryName ?? ".";
            OutputPath.Check(Path.Combine(folder, "check.png"), "--out");
            using var loaded = ModelFile.Load(file.FullName);
            var request = ModelRequests.Of(loaded);
            string stem = Path.Combine(folder, loaded.Spec.Name);
            var written = new List<string>();
            void Save(Figure figure, string suffix) { using (figure) figure.SavePng(stem + suffix); written.Add(stem + suffix); }
            void SaveCanvas(Canvas canvas, string suffix) { canvas.SavePng(stem + suffix); written.Add(stem + suffix); }

            var metrics = MetricsFile.Read(Path.ChangeExtension(file.FullName, ".json"));
            if (metrics is { Curve.Count: > 1 }) Save(Curves(metrics, loaded), "-curves.png");
            else output.WriteLine($"no learning curve: {Path.ChangeExtension(file.FullName, ".json")} is missing (it is written by `flowlive train`)");

            long figureSeed = parsed.GetValue(seed);
            var flow = loaded.Flow;
            if (flow.DataShape == Shape.Vector(2)) TwoD(loaded, request, figureSeed, Save);
            else if (flow.DataShape.IsImage) Images(loaded, request, figureSeed, output, SaveCanvas);
            foreach (var path in written) output.WriteLine($"wrote {path}");
            return 0;
        });
        return command;
    }

    static Figure Curves(MetricsFile.MetricsDocument metrics, LoadedModel model)
    {
        bool images = metrics.Metrics.DiscreteImages;
        double Scale(double nats) => images ? nats / (model.Flow.DataShape.Size * Math.Log(2)) : nats;
        var x = metrics.Curve.Select(p => (double)p.Step).ToList();
        var series = new List<CurveSeries> { new("train", x, metrics.Curve.Select(p => Scale(p.Train)).ToList()) };
        var validated = metrics.Curve.Where(p => p.Validation is not null).ToList();
        if (validated.Count > 0) series.Add(new("validation", validated.Select(p => (double)p.Step).ToList(), validated.Select(p => Scale(p.Validation!.Value)).ToList()));
        var reference = metrics.Metrics.DataEntropy is double h ? new ReferenceLine(h, $"data entropy {h:F3} nats (best possible)") : null;
        return LearningCurves.Render(series, $"{model.Spec.Name}: learning curves", "step", images ? "NLL (bits/dim)" : "NLL (nats per point)", reference);
    }

    static void TwoD(LoadedModel model, TrainingRequest request, long seed, Action<Figure, string> save)
    {
        var flow = model.Flow;
        using var scope = NewDisposeScope();
        Tensor? data = null;
        if (request.Target is null)
        {
            using var generator = RunSeeds.Generator(request.Training.Seed, RunSeeds.Test);
            data = ToyDatasets.Get(request.Dataset).Sample(2000, generator);
        }
        var probe = data ?? flow.Sample(2000, seed: seed);
        var window = GridWindow.Around(probe, 160, tail: 0.002, samePadding: true);
        var snapshot = FlowSnapshot2D.Capture(flow, new FlowSnapshot2DOptions { Points = 2000, Seed = seed, Window = window, PrefixDensities = true }, data);

        double? floor = snapshot.Density!.FiniteRange() is var (_, max) ? max - 12 : null;
        save(DensityHeatmap.Render(snapshot.Density, $"{model.Spec.Name}: density and samples", snapshot.Samples, floor: floor), "-density.png");
        if (snapshot.Data is float[] points)
        {
            save(ScatterFigures.Overlay([new PointSet("data", points), new PointSet("samples", snapshot.Samples)], $"{model.Spec.Name}: samples over the data"), "-samples.png");
            var radius = Enumerable.Range(0, points.Length / 2).Select(i => MathF.Sqrt(points[2 * i] * points[2 * i] + points[2 * i + 1] * points[2 * i + 1])).ToArray();
            save(ScatterFigures.ColouredByValue(snapshot.DataLatents!, radius, $"{model.Spec.Name}: the data pushed to latent space", "|x| in data space"), "-latent.png");
        }
        int columns = Math.Min(snapshot.PrefixDensities!.Count, 5);
        save(PanelFigures.LayerDensities(snapshot, floor, columns), "-layer-densities.png");
        var panels = snapshot.States.Select((state, k) => new ScatterPanel(k == 0 ? "base samples" : $"after layer {k} ({snapshot.StateNames[k]})",
            [new PointSet("samples", state)])).ToList();
        save(PanelFigures.ScatterGrid(panels, Math.Min(panels.Count, 3)), "-layer-samples.png");
    }

    static void Images(LoadedModel model, TrainingRequest request, long seed, TextWriter log, Action<Canvas, string> save)
    {
        var flow = model.Flow;
        var shape = flow.DataShape;
        int c = (int)shape[0], h = (int)shape[1], w = (int)shape[2];
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var samples = flow.Sample(64, 0.8, seed).clamp(0, 1).to(float32).cpu().contiguous();
        save(TitledImageGrid.Render(samples.data<float>().ToArray(), 8, 8, c, h, w, $"{model.Spec.Name.ToUpperInvariant()} SAMPLES, TEMPERATURE 0.8", [], []), "-samples.png");

        // Each of ten samples after every layer whose state is still an image's worth of pixels (vector flows on digits).
        var z = flow.Base.Sample(10, 0.8, seed);
        var states = flow.Trace(z);
        var shown = Enumerable.Range(0, states.Count).Where(k => states[k].shape.Skip(1).Aggregate(1L, (a, b) => a * b) == shape.Size
            && (k == states.Count - 1 || states[k].ndim == 2 || states[k].shape[1] == c)).ToList();
        if (shown.Count > 1)
        {
            var grid = stack(shown.Select(k => Normalise(states[k].reshape(10, c, h, w))).ToList(), 1).to(float32).cpu().contiguous();
            save(TitledImageGrid.Render(grid.data<float>().ToArray(), 10, shown.Count, c, h, w, "EACH SAMPLE AFTER EACH LAYER",
                [], shown.Select(k => k == 0 ? "BASE" : $"L{k}").ToList(), zoom: 2), "-layers.png");
        }

        if (request.Dataset is string dataset && ImageDatasets.IsImageDataset(dataset))
        {
            var test = ImageDatasets.Load(dataset, request.Data.DataDir, log).Test.DownscaleTo(h);
            using var pixels = test.Subset(DifferentClassPairs(test, 3)).ToTensor();
            var rows = new List<Tensor>();
            using var generator = RunSeeds.Generator(seed, RunSeeds.Snapshots);
            for (int pair = 0; pair < 3; pair++)
            {
                var ends = Likelihood.Dequantize(pixels[TensorIndex.Slice(2 * pair, 2 * pair + 2)], generator);
                var (latents, _) = flow.Encode(ends);
                var t = linspace(0, 1, 10, dtype: latents.dtype).reshape([10, .. Enumerable.Repeat(1L, (int)latents.ndim - 1)]);
                var path = latents[0].unsqueeze(0) * (1 - t) + latents[1].unsqueeze(0) * t;
                rows.Add(flow.Decode(path).x.clamp(0, 1));
            }
            var morph = cat(rows, 0).to(float32).cpu().contiguous();
            save(TitledImageGrid.Render(morph.data<float>().ToArray(), 3, 10, c, h, w, "LATENT INTERPOLATIONS BETWEEN TEST IMAGES OF TWO CLASSES", ["1", "2", "3"], []), "-interpolations.png");
        }
    }

    /// <summary>
    /// Indices of <paramref name="count"/> pairs of test images, each pair two classes apart from the last: the first
    /// image of class 2k and the first of class 2k + 1 (digits 0 to 1, 2 to 3, 4 to 5), so every morph crosses classes.
    /// </summary>
    internal static int[] DifferentClassPairs(ImageDataset test, int count)
    {
        int classes = test.ClassNames.Count;
        int First(int label)
        {
            int wanted = label % classes;
            for (int i = 0; i < test.Count; i++)
                if (test.Label(i) == wanted) return i;
            throw new InvalidDataException($"the test split has no image of class {test.ClassNames[wanted]}");
        }
        return Enumerable.Range(0, count).SelectMany(k => new[] { First(2 * k), First(2 * k + 1) }).ToArray();
    }

    /// <summary>Maps a state to [0, 1] for display: data-side states are pixels already; latent ones are squashed.</summary>
    static Tensor Normalise(Tensor state) => state.min().item<float>() >= 0 && state.max().item<float>() <= 1 ? state : state.sigmoid();
}
