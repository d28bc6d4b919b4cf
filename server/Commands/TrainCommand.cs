using System.CommandLine;
using FlowLive.Models;
using FlowLive.Server.Cli;

namespace FlowLive.Server.Commands;

/// <summary>`flowlive train`: fits a ready-made flow to a dataset and saves the model (atomically) with its metrics.</summary>
public static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var options = new FlowOptions(defaultDataset: "two_moons", defaultSteps: 2000, images: true);
        var outPath = new Option<FileInfo?>("--out") { Description = "model file to write (default out/models/DATASET-FLOW.flow)" };
        var command = new Command("train", "train a flow on a dataset and save it as a model file");
        options.AddTo(command);
        command.Options.Add(outPath);
        command.SetAction(parsed =>
        {
            var target = parsed.GetValue(outPath);
            if (target is not null && target.Extension != ModelFile.Extension)
                throw new UsageException("--out", $"'{target.Name}' must end in {ModelFile.Extension}");
            using var result = options.Train(parsed, output);
            string path = target?.FullName ?? Path.GetFullPath(Path.Combine("out", "models", result.Spec.Name + ModelFile.Extension));
            ModelFile.Save(path, result.Spec, result.Flow);
            output.WriteLine(FlowOptions.Summary(result));
            output.WriteLine($"wrote {path}");
            return 0;
        });
        return command;
    }
}
