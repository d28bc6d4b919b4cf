using System.CommandLine;
using System.CommandLine.Parsing;
using FlowLive.Data.Toy;
using FlowLive.Flows;
using FlowLive.Imaging;
using FlowLive.Models;
using FlowLive.Cli;
using FlowLive.Cli.Viewing;
using FlowLive.Training;
using static TorchSharp.torch;

namespace FlowLive.Cli.Commands;

/// <summary>
/// `flowlive demo`: the main job on bundled defaults. Starts the server on the bundled models and opens the viewer on
/// it (flow steps of RealNVP on two moons); without a display (or with --no-window) it says so and renders the same
/// animation headless to a GIF instead, plus the layer-by-layer PNG figure. With --train, or any training flag, it
/// trains a fresh flow first (a few seconds on the CPU), saves it and draws its figure.
/// </summary>
public static class DemoCommand
{
    public static Command Create(TextWriter output)
    {
        var options = new FlowOptions(defaultDataset: "two_moons", defaultSteps: 1500, full: false);
        var train = new Option<bool>("--train") { Description = "train a fresh flow (a few seconds) instead of showing the bundled one" };
        var outDir = new Option<DirectoryInfo>("--out")
        {
            Description = "folder for the picture (and the model, when trained)",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "demo")),
        };
        var noWindow = new Option<bool>("--no-window") { Description = "render the animation to a GIF instead of opening the viewer" };
        var command = new Command("demo", "open the viewer on the bundled models (no display: render its animation to a GIF); --train trains a fresh flow first");
        options.AddTo(command);
        command.Options.Add(train);
        command.Options.Add(outDir);
        command.Options.Add(noWindow);
        command.SetAction(parsed =>
        {
            string folder = parsed.GetValue(outDir)!.FullName;
            // Flags that say how to train ask for training; the dataset, seed, device and threads do not.
            var showingFlags = new Option[] { options.Dataset, options.Seed, options.Device, options.Threads };
            bool trainingFlags = options.All.Except(showingFlags).Any(o => FlowOptions.Given(parsed, o));
            string dataset = ToyDatasets.Get(parsed.GetValue(options.Dataset)!).Name;
            string? bundled = parsed.GetValue(train) || trainingFlags ? null : BundledFor(dataset);
            if (bundled is null && !parsed.GetValue(train) && !trainingFlags)
                output.WriteLine($"no bundled model for {dataset} in {BundledModels.Directory}; training one");

            Flow flow;
            string name, title;
            IDisposable owner;
            long seed = parsed.GetValue(options.Seed);
            if (bundled is not null)
            {
                var loaded = ModelFile.Load(bundled);
                owner = loaded;
                flow = loaded.Flow;
                name = loaded.Spec.Name;
                string nll = loaded.Spec.Metrics.TryGetValue("test_nll", out var v) ? $"   TEST NLL {v:F3} NATS" : "";
                title = $"{name.ToUpperInvariant()}{nll}";
                output.WriteLine($"showing the bundled model {bundled} (train your own with --train)");
            }
            else
            {
                var request = options.Request(parsed) with { Data = new() { ValidationSize = 0 } };
                var run = options.Prepare(parsed, request, output);
                string modelPath = OutputPath.Check(Path.Combine(folder, run.Name + ModelFile.Extension), "--out", ModelFile.Extension);
                output.WriteLine($"training {run.Description}");
                TrainingResult result;
                using (run) result = TrainingConsole.Show(output, observer => run.Run(observer));
                owner = result;
                output.WriteLine(result.Metrics.Summary());
                ModelFile.Save(modelPath, result.Spec, result.Flow);
                output.WriteLine($"wrote {modelPath}");
                flow = result.Flow.To(CPU);
                name = result.Spec.Name;
                title = $"{name.ToUpperInvariant()}   TEST NLL {result.Metrics.TestLoss:F3} NATS";
            }
            using (owner)
            {
                string picturePath = OutputPath.Check(Path.Combine(folder, name + ".png"), "--out", ".png");
                using var generator = new Generator((ulong)seed + 7);
                using var data = ToyDatasets.Get(dataset).Sample(4000, generator);
                FlowFigure2D.Render(flow, data, title, new FlowFigure2D.Options { Seed = seed }).SavePng(picturePath);
                output.WriteLine($"wrote {picturePath}");
            }
            if (bundled is null)
            {
                output.WriteLine($"next: ./flowlive report {Path.Combine(folder, name + ModelFile.Extension)} --out {folder}");
                return 0;
            }
            return DemoViewer.Show(output, name, folder, windowWanted: !parsed.GetValue(noWindow));
        });
        return command;
    }

    /// <summary>The bundled model for a toy set: DATASET-realnvp, else any bundled model trained on it.</summary>
    static string? BundledFor(string dataset) =>
        BundledModels.Find($"{dataset}-realnvp")
        ?? BundledModels.All().FirstOrDefault(path => Path.GetFileNameWithoutExtension(path).StartsWith(dataset + "-", StringComparison.Ordinal));
}
