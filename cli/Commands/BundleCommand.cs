using FlowLive.Data;
using System.CommandLine;
using FlowLive.Models;
using FlowLive.Cli;
using FlowLive.Training;
using FlowLive.Training.Presets;

namespace FlowLive.Cli.Commands;

/// <summary>`flowlive bundle`: retrains the models FlowLive ships in models/ (see <see cref="Bundle"/>), each with its metrics JSON.</summary>
public static class BundleCommand
{
    public static Command Create(TextWriter output)
    {
        var only = new Option<string[]>("--only") { Description = "retrain only these bundled models (by name)", AllowMultipleArgumentsPerToken = true };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = $"folder to write (default: the bundled models folder, {BundledModels.Directory})" };
        var command = new Command("bundle", "retrain the small models FlowLive ships with (models/): the demo's, the server's and the viewer's defaults") { only, outDir };
        command.SetAction(parsed =>
        {
            string folder = parsed.GetValue(outDir)?.FullName ?? BundledModels.Directory;
            OutputPath.Check(Path.Combine(folder, "check.flow"), "--out");
            var requests = Bundle.Requests.Select(r => (Request: r, Name: NameOf(r))).ToList();
            if (parsed.GetValue(only) is { Length: > 0 } names)
            {
                var unknown = names.Where(n => requests.All(r => r.Name != n)).ToList();
                if (unknown.Count > 0) throw new UsageException("--only", $"not a bundled model: {string.Join(", ", unknown)} (bundled: {string.Join(", ", requests.Select(r => r.Name))})");
                requests = requests.Where(r => names.Contains(r.Name)).ToList();
            }
            foreach (var (request, name) in requests)
            {
                using var run = TrainingRun.Prepare(request with { Name = name }, (n, dir) => ImageDatasets.Load(n, dir, output));
                ThreadCount.ApplyFor(0, run);
                output.WriteLine($"== {name}: {run.Description}");
                using var result = TrainingConsole.Show(output, observer => run.Run(observer));
                string path = Path.Combine(folder, name + ModelFile.Extension);
                ModelFile.Save(path, result.Spec, result.Flow);
                MetricsFile.Write(Path.ChangeExtension(path, ".json"), result);
                output.WriteLine($"   {result.Metrics.Summary()}");
                output.WriteLine($"   wrote {path}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The file stem of a bundled model: the preset's name, or DATASET-ARCHITECTURE.</summary>
    public static string NameOf(TrainingRequest request) => request.Name ?? $"{request.Dataset}-{request.Architecture}";
}
