using System.CommandLine;
using System.Globalization;
using System.Text;
using FlowLive.Flows;
using FlowLive.Imaging;
using FlowLive.Models;
using FlowLive.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Cli.Commands;

/// <summary>
/// `flowlive sample --model m.flow`: samples to CSV (stdout or a file) or to a PNG (scatter for 2-D, grid for images).
/// Flags are checked before any work (--out's folder included); samples that are not all finite are never written.
/// </summary>
public static class SampleCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<FileInfo>("--model") { Description = "model file (.flow)", Required = true };
        var count = CommonOptions.Positive("--count", $"how many samples (at most {SpecLimits.MaxBatch:N0}, fewer for large images)", 1000);
        count.Aliases.Add("-n");
        var temperature = new Option<double>("--temperature")
        {
            Description = $"spread of the base distribution, 0 to {SpecLimits.MaxTemperature:G}: 1 is the model itself, 0 its mode, 0.7 often looks cleaner",
            DefaultValueFactory = _ => 1.0,
        };
        temperature.Validators.Add(r =>
        {
            if (CommonOptions.Parsed<double>(r) is double t && !(t >= 0 && t <= SpecLimits.MaxTemperature))
                r.AddError($"--temperature must be a number from 0 to {SpecLimits.MaxTemperature:G}, got {t.ToString(CultureInfo.InvariantCulture)}");
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
            string? target = parsed.GetValue(outPath) is { } file ? OutputPath.Check(file.ToString(), "--out", ".csv", ".png") : null;
            string format = target is null ? ".csv" : Path.GetExtension(target).ToLowerInvariant();
            var on = CommonOptions.ResolveDevice(parsed.GetValue(device)!);
            int n = parsed.GetValue(count);
            if (n > SpecLimits.MaxBatch) throw new UsageException("--count", $"at most {SpecLimits.MaxBatch:N0} samples in one call, got {n:N0}");
            double t = parsed.GetValue(temperature);

            using var loaded = ModelFile.Load(parsed.GetValue(model)!.FullName);
            if (SpecLimits.BatchProblem(n, loaded.Flow.DataShape) is { } tooMany) throw new UsageException("--count", tooMany);
            if (format == ".png") CheckDrawable(loaded.Flow.DataShape);
            var flow = loaded.Flow.To(on);
            float[] values;
            using (var scope = NewDisposeScope())
                values = flow.Sample(n, t, parsed.GetValue(seed)).to(float32).cpu().contiguous().data<float>().ToArray();
            CheckFinite(loaded, values, n, t);

            if (format == ".csv")
            {
                string csv = ToCsv(values, n);
                if (target is null) output.Write(csv);
                else AtomicFile.WriteText(target, csv);
            }
            else
            {
                Render(values, n, flow.DataShape, Title(loaded.Spec.Name, t)).SavePng(target!);
            }
            if (target is not null) output.WriteLine($"wrote {n} samples to {target}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Refuses (exit 1) samples with NaN or infinite values instead of writing them: they come from broken weights
    /// (NaN after a diverged run, or edited files) or from a temperature the flow cannot take.
    /// </summary>
    static void CheckFinite(LoadedModel loaded, float[] values, int n, double temperature)
    {
        int bad = values.Count(v => !float.IsFinite(v));
        if (bad == 0) return;
        bool brokenWeights = loaded.Flow.Module.parameters().Concat(loaded.Flow.Module.buffers())
            .Where(p => p.is_floating_point())
            .Any(p => { using var finite = isfinite(p).all(); return !finite.ToBoolean(); });
        string cause = brokenWeights
            ? "its weights hold NaN or infinite values (a diverged training run?)"
            : $"its layers overflow at temperature {temperature.ToString("G", CultureInfo.InvariantCulture)} (try a lower --temperature)";
        throw new InvalidOperationException(
            $"model '{loaded.Path}' produced {bad:N0} non-finite values in {n:N0} samples: {cause}; nothing was written");
    }

    static string ToCsv(float[] values, int n)
    {
        int width = values.Length / n;
        var text = new StringBuilder();
        text.AppendLine(string.Join(",", Enumerable.Range(0, width).Select(i => $"x{i}")));
        for (int row = 0; row < n; row++)
        {
            for (int column = 0; column < width; column++)
            {
                if (column > 0) text.Append(',');
                text.Append(values[row * width + column].ToString("R", CultureInfo.InvariantCulture));
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    static void CheckDrawable(Shape shape)
    {
        if (shape != Shape.Vector(2) && !shape.IsImage)
            throw new UsageException("--out", $"PNG output draws 2-D points or images; this model's data shape is {shape} (use .csv)");
    }

    /// <summary>The PNG's title: which model, at which temperature.</summary>
    public static string Title(string modelName, double temperature) =>
        $"{modelName}  TEMPERATURE {temperature.ToString("G3", CultureInfo.InvariantCulture)}".ToUpperInvariant();

    /// <summary>A scatter (2-D) or an image grid of <paramref name="n"/> samples under <paramref name="title"/>.</summary>
    public static Canvas Render(float[] values, int n, Shape shape, string title)
    {
        if (shape == Shape.Vector(2))
            return new PlotPanel(480, 4.0).Scatter($"{title}  {n} SAMPLES", values, new Rgb(30, 60, 160));
        var grid = ImageGrid.Render(values, n, (int)shape[0], (int)shape[1], (int)shape[2], columns: (int)Math.Ceiling(Math.Sqrt(n)),
            zoom: Math.Max(2, 64 / (int)shape[1]));
        const int band = PlotPanel.TitleHeight;
        var canvas = new Canvas(Math.Max(grid.Width, title.Length * PixelFont.Advance + 4), grid.Height + band, Rgb.White);
        canvas.Text(2, (band - PixelFont.GlyphHeight) / 2, title, Rgb.Black);
        canvas.Paste(grid, 0, band);
        return canvas;
    }
}
