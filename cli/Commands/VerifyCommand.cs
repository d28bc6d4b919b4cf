using FlowLive.Data;
using System.CommandLine;
using System.Diagnostics;
using FlowLive.Models;
using FlowLive.Cli;
using FlowLive.Training;
using FlowLive.Training.Presets;

namespace FlowLive.Cli.Commands;

/// <summary>
/// `flowlive verify`: trains the presets fully and prints each one's figure beside its bar, PASS or FAIL (REPORT for
/// bars that only ask for the figure). 2-D presets by default (minutes); --all adds the image presets (long);
/// --quick is the subset CI runs. Exits 1 when any preset fails its bar. Models and metrics go to --out.
/// </summary>
public static class VerifyCommand
{
    public static Command Create(TextWriter output)
    {
        var all = new Option<bool>("--all") { Description = "also train the image presets (tens of minutes each)" };
        var quick = new Option<bool>("--quick") { Description = "only the quick subset (what CI runs, a few minutes)" };
        var only = new Option<string[]>("--preset") { Description = "verify only these presets", AllowMultipleArgumentsPerToken = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "folder for the trained models", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "verify")) };
        var threads = ThreadCount.Option();
        var command = new Command("verify", "train the presets fully and print each figure beside its bar, PASS or FAIL") { all, quick, only, outDir, threads };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(all) && parsed.GetValue(quick)) throw new UsageException("--quick", "--quick and --all exclude each other");
            var chosen = parsed.GetValue(only) is { Length: > 0 } names
                ? names.Select(n => PresetCatalog.Find(n) ?? throw new UsageException("--preset", $"unknown preset '{n}' (see `flowlive presets`)")).ToList()
                : PresetCatalog.All.Where(p => parsed.GetValue(quick) ? p.Quick : parsed.GetValue(all) || p.Kind == PresetKind.TwoD).ToList();
            string folder = parsed.GetValue(outDir)!.FullName;
            OutputPath.Check(Path.Combine(folder, "check.flow"), "--out");

            var rows = new List<(Preset Preset, double? Value, string Verdict, double Seconds)>();
            foreach (var preset in chosen)
            {
                output.WriteLine($"== {preset.Name}: {preset.Bar.Description}");
                var clock = Stopwatch.StartNew();
                double? value;
                try
                {
                    var request = preset.Request();
                    if (request.Vae is not null)
                    {
                        ThreadCount.Apply(parsed.GetValue(threads), ThreadCount.VaeProduct);
                        value = preset.Bar.Value(VaePresetRunner.Run(request, folder, output, new ReportsOnly(output), default));
                        rows.Add((preset, value, preset.Bar.Verdict(value), clock.Elapsed.TotalSeconds));
                        continue;
                    }
                    using var run = TrainingRun.Prepare(request, (name, dir) => ImageDatasets.Load(name, dir, output));
                    ThreadCount.ApplyFor(parsed.GetValue(threads), run);
                    using var result = run.Run(new ReportsOnly(output));
                    string path = Path.Combine(folder, preset.Name + ModelFile.Extension);
                    ModelFile.Save(path, result.Spec, result.Flow);
                    MetricsFile.Write(Path.ChangeExtension(path, ".json"), result);
                    output.WriteLine($"   {result.Metrics.Summary()}");
                    value = preset.Bar.Value(result.Spec.Metrics);
                }
                catch (Exception e) when (e is TrainingDivergedException or IOException or InvalidDataException or ArgumentException
                                              or FlowLive.Data.MissingPrerequisiteException)
                {
                    // One preset that cannot run (diverged, data missing) is a FAIL row, not the end of the table.
                    output.WriteLine($"   {e.Message}");
                    value = null;
                }
                rows.Add((preset, value, preset.Bar.Verdict(value), clock.Elapsed.TotalSeconds));
            }

            output.WriteLine();
            int width = Math.Max(6, chosen.Max(p => p.Name.Length));
            output.WriteLine($"{"preset".PadRight(width)}  {"figure",-18} {"value",10}  {"bar",8}  verdict  time");
            foreach (var (preset, value, verdict, seconds) in rows)
                output.WriteLine($"{preset.Name.PadRight(width)}  {preset.Bar.Metric,-18} {(value is double v ? v.ToString("F4") : "-"),10}  " +
                                 $"{(preset.Bar.Threshold is double t ? "<= " + t : "report"),8}  {verdict,-7}  {seconds:F0} s");
            int failed = rows.Count(r => r.Verdict == "FAIL");
            output.WriteLine($"{rows.Count - failed} of {rows.Count} presets met their bars" + (failed > 0 ? $"; {failed} failed" : ""));
            return failed > 0 ? ExitCodes.Failure : 0;
        });
        return command;
    }

    /// <summary>Plain progress lines for long unattended runs: validations, early stops and recoveries only.</summary>
    sealed class ReportsOnly(TextWriter output) : ITrainingObserver
    {
        public void OnEvent(TrainingEvent e)
        {
            switch (e)
            {
                case TrainingReport r when r.ValidationLoss is not null:
                    output.WriteLine($"   step {r.Step}/{r.TotalSteps}  {TrainingConsole.Loss(r, r.TrainLoss, "train")}  " +
                                     $"{TrainingConsole.Loss(r, r.ValidationLoss, "validation")}  {r.Elapsed.TotalSeconds:F0} s");
                    break;
                case StoppedEarly s:
                    output.WriteLine($"   stopped early at step {s.Step}; best validation at step {s.BestStep}");
                    break;
                case OutOfTime o:
                    output.WriteLine($"   time budget ({o.Budget.TotalMinutes:F0} min) used at step {o.Step}");
                    break;
                case RecoveredFromNonFinite f:
                    output.WriteLine($"   recovered from a non-finite {f.What} at step {f.Step}");
                    break;
            }
        }
    }
}
