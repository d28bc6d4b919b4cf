using System.CommandLine;
using FlowLive.Data.Toy;
using FlowLive.Imaging;
using FlowLive.Models;
using FlowLive.Server.Cli;
using static TorchSharp.torch;

namespace FlowLive.Server.Commands;

/// <summary>
/// `flowlive demo`: the main job on bundled defaults. Trains RealNVP on two moons for a few seconds and writes a
/// picture of the flow at work (data, samples, density, every layer's state) and the trained model.
/// </summary>
public static class DemoCommand
{
    public static Command Create(TextWriter output)
    {
        var options = new FlowOptions(defaultDataset: "two_moons", defaultSteps: 1500, full: false);
        var outDir = new Option<DirectoryInfo>("--out")
        {
            Description = "folder for the picture and the model",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "demo")),
        };
        var command = new Command("demo", "train a flow on a 2-D toy set in seconds and render it layer by layer to PNG (no display needed)");
        options.AddTo(command);
        command.Options.Add(outDir);
        command.SetAction(parsed =>
        {
            string folder = parsed.GetValue(outDir)!.FullName;
            var request = options.Request(parsed) with { Data = new() { ValidationSize = 0 } };
            using var run = options.Prepare(parsed, request, output);
            string modelPath = Path.Combine(folder, run.Name + ModelFile.Extension);
            string picturePath = Path.Combine(folder, run.Name + ".png");
            OutputPath.Check(modelPath, "--out");
            output.WriteLine($"training {run.Description}");
            using var result = TrainingConsole.Show(output, observer => run.Run(observer));
            output.WriteLine(result.Metrics.Summary());
            ModelFile.Save(modelPath, result.Spec, result.Flow);

            var dataset = ToyDatasets.Get(result.Spec.Dataset!);
            using var generator = new Generator((ulong)parsed.GetValue(options.Seed) + 7);
            using var data = dataset.Sample(4000, generator);
            var figure = FlowFigure2D.Render(result.Flow.To(CPU), data,
                $"{result.Spec.Name.ToUpperInvariant()}   TEST NLL {result.Metrics.TestLoss:F3} NATS",
                new FlowFigure2D.Options { Seed = parsed.GetValue(options.Seed) });
            figure.SavePng(picturePath);

            output.WriteLine($"wrote {picturePath}");
            output.WriteLine($"wrote {modelPath}");
            output.WriteLine($"next: ./flowlive info --model {modelPath}");
            return 0;
        });
        return command;
    }
}
