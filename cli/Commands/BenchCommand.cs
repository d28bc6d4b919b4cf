using System.CommandLine;
using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Flows.Nets;
using FlowLive.Cli;
using FlowLive.Training;

namespace FlowLive.Cli.Commands;

/// <summary>`flowlive bench`: how fast each architecture samples, evaluates and trains here, and whether memory stays put.</summary>
public static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var flows = new Option<string[]>("--flow")
        {
            Description = "architectures to measure (default: all)",
            AllowMultipleArgumentsPerToken = true,
        }.AcceptOnlyFromAmong([.. Catalog.Names]);
        var batch = CommonOptions.Positive("--batch-size", $"samples per call (at most {SpecLimits.MaxBatch:N0})", 1024);
        batch.Validators.Add(r =>
        {
            if (CommonOptions.Parsed<int>(r) is int n && n > SpecLimits.MaxBatch)
                r.AddError($"--batch-size: at most {SpecLimits.MaxBatch:N0} samples in one call, got {n:N0}");
        });
        var seconds = CommonOptions.PositiveReal("--seconds", "time spent on each measurement", 1.0);
        var threads = ThreadCount.Option();
        var device = CommonOptions.Device();
        var command = new Command("bench", "measure sampling, density and training speed and memory of each architecture") { flows, batch, seconds, threads, device };
        command.SetAction(parsed =>
        {
            var on = CommonOptions.ResolveDevice(parsed.GetValue(device)!);
            int requested = parsed.GetValue(threads);
            IReadOnlyList<Architecture> chosen = parsed.GetValue(flows) is { Length: > 0 } names ? names.Select(Catalog.Get).ToList() : Catalog.All;
            var budget = TimeSpan.FromSeconds(parsed.GetValue(seconds));
            string threading = requested > 0
                ? ThreadCount.Describe(requested)
                : $"threads automatic ({ThreadCount.Describe(ThreadCount.Resolve(0, images: false))} for 2-D, " +
                  $"{ThreadCount.Describe(ThreadCount.Resolve(0, images: true))} for images)";
            output.WriteLine($"flowlive bench: batch {parsed.GetValue(batch)}, {threading}, {on.type.ToString().ToLowerInvariant()}, " +
                             $"{budget.TotalSeconds:G3} s per figure; default architecture sizes (8 steps, 64 hidden)");
            output.WriteLine($"{"flow",-9} {"shape",-12} {"sample/s",11} {"log p/s",11} {"ms/step",9} {"memory MB",10} {"leaked",7}");
            foreach (var architecture in chosen)
            {
                var shape = architecture.Supports(Shape.Vector(2)) ? Shape.Vector(2) : Shape.Image(1, 14, 14);
                TorchSharp.torch.set_num_threads(ThreadCount.Resolve(requested, shape.IsImage));
                var options = new ArchitectureOptions { Levels = shape.IsImage ? 1 : 2, Net = new SubnetSpec() };
                var f = Benchmark.Run(architecture, shape, options, parsed.GetValue(batch), budget, on);
                output.WriteLine($"{f.Architecture,-9} {f.Shape,-12} {f.SamplesPerSecond,11:N0} {Show(f.LogProbsPerSecond),11} " +
                                 $"{(double.IsNaN(f.TrainStepMilliseconds) ? "-" : f.TrainStepMilliseconds.ToString("F1")),9} {f.WorkingSetMegabytes,10:N0} {f.LeakedTensors,7}");
            }
            return 0;
        });
        return command;
    }

    static string Show(double rate) => double.IsNaN(rate) ? "-" : rate.ToString("N0");
}
