using System.CommandLine;
using System.Globalization;
using System.Text;
using FlowLive.Imaging;
using FlowLive.Models;
using FlowLive.Server.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Server.Commands;

/// <summary>`flowlive sample --model m.flow`: samples to CSV (stdout or a file) or to a PNG (scatter for 2-D, grid for images).</summary>
public static class SampleCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<FileInfo>("--model") { Description = "model file (.flow)", Required = true };
        var count = CommonOptions.Positive("--count", "how many samples", 1000);
        count.Aliases.Add("-n");
        var temperature = new Option<double>("--temperature")
        {
            Description = "spread of the base distribution: 1 is the model itself, 0 its mode, 0.7 often looks cleaner",
            DefaultValueFactory = _ => 1.0,
        };
        temperature.Validators.Add(r =>
        {
            if (CommonOptions.Parsed<double>(r) is double t && (!(t >= 0) || double.IsInfinity(t)))
                r.AddError("--temperature must be a finite number >= 0");
        });
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var outPath = new Option<FileInfo?>("--out") { Description = "write to this .csv or .png file instead of printing CSV" };
        var command = new Command("sample", "draw samples from a model: CSV, or PNG (2-D scatter or image grid)")
        {
            model, count, temperature, seed, device, outPath,
        };
        command.SetAction(parsed =>
        {
            var target = parsed.GetValue(outPath);
            string format = target is null ? ".csv" : target.Extension.ToLowerInvariant();
            if (format is not ".csv" and not ".png") throw new UsageException("--out", $"'{target!.Name}' must end in .csv or .png");
            var on = CommonOptions.ResolveDevice(parsed.GetValue(device)!);

            using var loaded = ModelFile.Load(parsed.GetValue(model)!.FullName);
            var flow = loaded.Flow.To(on);
            int n = parsed.GetValue(count);
            using var scope = NewDisposeScope();
            var samples = flow.Sample(n, parsed.GetValue(temperature), parsed.GetValue(seed)).to(float32).cpu().contiguous();
            float[] values = samples.data<float>().ToArray();

            if (format == ".csv")
            {
                string csv = ToCsv(values, n);
                if (target is null) output.Write(csv);
                else AtomicFile.WriteText(target.FullName, csv);
            }
            else
            {
                ToPng(values, n, flow.DataShape).SavePng(target!.FullName);
            }
            if (target is not null) output.WriteLine($"wrote {n} samples to {target.FullName}");
            return 0;
        });
        return command;
    }

    static string ToCsv(float[] values, int n)
    {
        int width = values.Length / n;
        var text = new StringBuilder();
        text.AppendLine(string.Join(",", Enumerable.Range(0, width).Select(i => $"x{i}")));
        for (int row = 0; row < n; row++)
            text.AppendLine(string.Join(",", values.Skip(row * width).Take(width).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        return text.ToString();
    }

    static Canvas ToPng(float[] values, int n, FlowLive.Flows.Shape shape)
    {
        if (shape == FlowLive.Flows.Shape.Vector(2))
            return new PlotPanel(480, 4.0).Scatter($"{n} SAMPLES", values, new Rgb(30, 60, 160));
        if (shape.IsImage)
            return ImageGrid.Render(values, n, (int)shape[0], (int)shape[1], (int)shape[2], columns: (int)Math.Ceiling(Math.Sqrt(n)),
                zoom: Math.Max(2, 64 / (int)shape[1]));
        throw new UsageException("--out", $"PNG output draws 2-D points or images; this model's data shape is {shape} (use .csv)");
    }
}
