using System.CommandLine;
using FlowLive.Models;
using FlowLive.Cli;
using FlowLive.Training;

namespace FlowLive.Cli.Commands;

/// <summary>
/// `flowlive train`: fits a flow (flags or a preset) and saves the model atomically with its metrics JSON. Checkpoints
/// every --checkpoint-every steps and on Ctrl-C (exit 130 naming the file); --resume continues one exactly.
/// </summary>
public static class TrainCommand
{
    public const int Interrupted = 130;

    public static Command Create(TextWriter output)
    {
        var options = new FlowOptions(defaultDataset: "two_moons", defaultSteps: 2000, full: true);
        var outPath = new Option<FileInfo?>("--out") { Description = "model file to write (default out/models/NAME.flow); its metrics go beside it as NAME.json" };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "checkpoint file (default: beside the model as NAME.ckpt); written on Ctrl-C" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "also write the checkpoint every N steps (0 = only on Ctrl-C)", DefaultValueFactory = _ => 0 };
        var resume = new Option<FileInfo?>("--resume") { Description = "continue the run saved in this checkpoint (same flags or preset and seed)" };
        var command = new Command("train", "train a flow on a dataset (or a preset) and save it as a model file");
        options.AddTo(command);
        command.Options.Add(outPath);
        command.Options.Add(checkpoint);
        command.Options.Add(checkpointEvery);
        command.Options.Add(resume);
        command.SetAction(parsed =>
        {
            var request = options.Request(parsed);
            int every = parsed.GetValue(checkpointEvery);
            if (every < 0) throw new UsageException("--checkpoint-every", "must be 0 (only on Ctrl-C) or more");
            request = request with { Training = request.Training with { CheckpointEvery = every } };
            var resumeFrom = parsed.GetValue(resume);
            if (resumeFrom is not null && !resumeFrom.Exists) throw new UsageException("--resume", $"no such checkpoint: {resumeFrom.FullName}");

            if (request.Vae is not null)
            {
                var folder = parsed.GetValue(outPath) is { } given
                    ? (given.Extension == "" ? given.FullName : throw new UsageException("--out", "a VAE preset writes several files: give a folder"))
                    : Path.GetFullPath(Path.Combine("out", "models"));
                OutputPath.Check(Path.Combine(folder, "check.vae"), "--out");
                foreach (var option in new Option[] { resume, checkpoint, checkpointEvery })
                    if (FlowOptions.Given(parsed, option)) throw new UsageException(option.Name, "VAE presets train three models and do not checkpoint; run them again");
                ThreadCount.Apply(parsed.GetValue(options.Threads), ThreadCount.VaeProduct);
                using var vaeInterrupt = new CtrlC();
                try { TrainingConsole.Show(output, observer => VaePresetRunner.Run(request, folder, output, observer, vaeInterrupt.Token)); }
                catch (TrainingCancelledException e) { output.WriteLine($"interrupted after step {e.Step}"); return Interrupted; }
                return 0;
            }
            using var run = options.Prepare(parsed, request, output);
            string modelPath = OutputPath.Check(parsed.GetValue(outPath)?.FullName ?? Path.Combine("out", "models", run.Name + ModelFile.Extension), "--out", ModelFile.Extension);
            string checkpointPath = parsed.GetValue(checkpoint)?.FullName ?? Path.ChangeExtension(modelPath, Checkpoint.Extension);
            OutputPath.Check(checkpointPath, "--checkpoint");
            output.WriteLine($"training {run.Description}");

            using var interrupt = new CtrlC();
            TrainingResult result;
            try
            {
                result = TrainingConsole.Show(output, observer => run.Run(observer, interrupt.Token, checkpointPath, resumeFrom?.FullName));
            }
            catch (TrainingCancelledException e)
            {
                output.WriteLine($"interrupted after step {e.Step}; checkpoint written: {e.CheckpointPath}");
                output.WriteLine($"resume with: flowlive train {ResumeArguments(parsed.Tokens.Select(t => t.Value).ToList())} --resume {Quote(e.CheckpointPath!)}");
                return Interrupted;
            }
            using (result)
            {
                ModelFile.Save(modelPath, result.Spec, result.Flow);
                string metricsPath = Path.ChangeExtension(modelPath, ".json");
                MetricsFile.Write(metricsPath, result);
                if (File.Exists(checkpointPath) && resumeFrom?.FullName != checkpointPath) File.Delete(checkpointPath);
                output.WriteLine(result.Metrics.Summary());
                output.WriteLine($"wrote {modelPath}");
                output.WriteLine($"wrote {metricsPath}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The arguments of this run without the command word and any earlier --resume, quoted for a shell.</summary>
    static string ResumeArguments(List<string> tokens)
    {
        if (tokens.Count > 0 && tokens[0] == "train") tokens.RemoveAt(0);
        for (int i = tokens.IndexOf("--resume"); i >= 0; i = tokens.IndexOf("--resume")) tokens.RemoveRange(i, Math.Min(2, tokens.Count - i));
        return string.Join(' ', tokens.Select(Quote));
    }

    static string Quote(string token) => token.All(c => char.IsLetterOrDigit(c) || "-_./:=,+".Contains(c)) ? token : $"'{token.Replace("'", "'\\''")}'";

    /// <summary>Turns the first Ctrl-C into a cancellation (the run checkpoints and stops); a second one kills as usual.</summary>
    sealed class CtrlC : IDisposable
    {
        readonly CancellationTokenSource source = new();
        public CtrlC() => Console.CancelKeyPress += OnCancel;
        public CancellationToken Token => source.Token;

        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            if (source.IsCancellationRequested) return;
            e.Cancel = true;
            source.Cancel();
        }

        public void Dispose()
        {
            Console.CancelKeyPress -= OnCancel;
            source.Dispose();
        }
    }
}
