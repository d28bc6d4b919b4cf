using System.CommandLine;
using System.Globalization;
using System.Text;
using FlowLive.Data;
using FlowLive.Models;
using FlowLive.Cli;
using FlowLive.Training;
using static TorchSharp.torch;

namespace FlowLive.Cli.Commands;

/// <summary>
/// `flowlive score MODEL --in FILE`: the log-likelihood of each given point or image under the model (anomaly
/// scoring: low is unusual). Points come as CSV (one point per line, an optional header), images as an IDX file of
/// 8-bit images [N, H, W] (what `flowlive data` writes). Prints CSV: index, log-likelihood (nats), and for images
/// bits/dim; every value is checked, and a bad line is named by its number.
/// </summary>
public static class ScoreCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<FileInfo>("model") { Description = "model file (.flow)" };
        var input = new Option<FileInfo>("--in") { Description = "points (.csv) or 8-bit images (IDX: .idx, -ubyte, .gz)", Required = true };
        var outPath = new Option<FileInfo?>("--out") { Description = "write the scores to this .csv file instead of printing them" };
        var command = new Command("score", "log-likelihood of each point or image in a file under a model (anomaly scoring)") { model, input, outPath };
        command.SetAction(parsed =>
        {
            var file = parsed.GetValue(input)!;
            if (!file.Exists) throw new UsageException("--in", $"no such file: {file.FullName}");
            var target = parsed.GetValue(outPath);
            if (target is not null)
            {
                if (target.Extension.ToLowerInvariant() != ".csv") throw new UsageException("--out", $"'{target.Name}' must end in .csv");
                OutputPath.Check(target.FullName, "--out");
            }
            using var loaded = ModelFile.Load(parsed.GetValue(model)!.FullName);
            var shape = loaded.Flow.DataShape;
            bool csv = file.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase);
            using var scope = NewDisposeScope();
            var data = csv ? ReadPoints(file.FullName, shape) : ReadImages(file.FullName, shape);
            var objective = new FlowLikelihood(loaded.Flow, dequantize: !csv);
            var logLikelihoods = Score(objective, data);

            var text = new StringBuilder(csv ? "index,log_likelihood\n" : "index,log_likelihood,bits_per_dim\n");
            for (int i = 0; i < logLikelihoods.Length; i++)
            {
                double ll = logLikelihoods[i];
                text.Append(i).Append(',').Append(ll.ToString("R", CultureInfo.InvariantCulture));
                if (!csv) text.Append(',').Append((-ll / (shape.Size * Math.Log(2))).ToString("F4", CultureInfo.InvariantCulture));
                text.Append('\n');
            }
            if (target is null) output.Write(text);
            else
            {
                AtomicFile.WriteText(target.FullName, text.ToString());
                output.WriteLine($"wrote {logLikelihoods.Length} scores to {target.FullName}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>Log-likelihoods in nats (images: of the 8-bit data, on the 256-level scale, with one fixed dequantization).</summary>
    static double[] Score(FlowLikelihood objective, Tensor data)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(0);
        var scores = new List<double>();
        for (long start = 0; start < data.shape[0]; start += 1024)
        {
            using var inner = NewDisposeScope();
            var batch = data[TensorIndex.Slice(start, Math.Min(data.shape[0], start + 1024))];
            scores.AddRange((-objective.Loss(batch, generator)).to(float64).cpu().data<double>().ToArray());
        }
        return [.. scores];
    }

    static Tensor ReadPoints(string path, FlowLive.Flows.Shape shape)
    {
        if (!shape.IsVector) throw new UsageException("--in", $"this model's data are images {shape}: give an IDX file of images, not CSV");
        int width = (int)shape[0];
        var values = new List<float>();
        int lineNumber = 0, rows = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split(',');
            var parsed = new float[fields.Length];
            bool numeric = fields.Select((f, i) => float.TryParse(f.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out parsed[i])).All(ok => ok);
            if (!numeric)
            {
                if (rows == 0 && lineNumber == 1) continue; // a header
                throw new InvalidDataException($"{path}, line {lineNumber}: not {width} numbers separated by commas");
            }
            if (fields.Length != width)
                throw new InvalidDataException($"{path}, line {lineNumber}: {fields.Length} values, but the model's points have {width}");
            if (parsed.Any(v => !float.IsFinite(v)))
                throw new InvalidDataException($"{path}, line {lineNumber}: a value is not a finite number");
            values.AddRange(parsed);
            if (++rows > TrainingLimits.MaxPoints) throw new InvalidDataException($"{path}: more than {TrainingLimits.MaxPoints:N0} points");
        }
        if (rows == 0) throw new InvalidDataException($"{path}: no points");
        return tensor(values.ToArray(), [rows, width]);
    }

    static Tensor ReadImages(string path, FlowLive.Flows.Shape shape)
    {
        if (!shape.IsImage) throw new UsageException("--in", $"this model's data are points {shape}: give a .csv file");
        var images = IdxReader.Read(path);
        if (images.Dims.Count != 3 || images.Dims[1] != shape[1] || images.Dims[2] != shape[2] || shape[0] != 1)
            throw new InvalidDataException($"{path}: images of [{string.Join(", ", images.Dims)}], but the model takes [N, {shape[1]}, {shape[2]}]");
        return tensor(images.Data, [images.Count, 1, shape[1], shape[2]]);
    }
}
