using System.CommandLine;
using FlowLive.Flows;
using FlowLive.Models;

namespace FlowLive.Cli.Commands;

/// <summary>
/// `flowlive info --model m.flow`: what a model file holds: layers, shapes, dataset, training metrics. Reads the spec
/// and the weights' header only (<see cref="ModelFile.ReadContents"/>): no flow is built, no tensor allocated, so a
/// file that asks for absurd sizes is refused, and a sound one is shown, at once.
/// </summary>
public static class InfoCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<FileInfo>("--model") { Description = "model file (.flow)", Required = true };
        var json = new Option<bool>("--json") { Description = "print the whole spec as JSON" };
        var command = new Command("info", "show what a model file holds: layers, shapes, dataset, training metrics") { model, json };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(model)!.FullName;
            var (spec, tensors) = ModelFile.ReadContents(path);
            if (parsed.GetValue(json))
            {
                output.WriteLine(SpecJson.Serialize(spec));
                return 0;
            }
            var layers = spec.Flow.Layers;
            output.WriteLine($"model    {spec.Name}  ({path})");
            output.WriteLine($"data     {spec.DataShape?.ToString() ?? "-"}  dataset {spec.Dataset ?? "-"}");
            output.WriteLine($"base     {SpecJson.KindOf(spec.Flow.Base.GetType())} {spec.Flow.Base.Shape}");
            output.WriteLine($"weights  {tensors.Sum(t => t.Values):N0} values in {tensors.Count} tensors ({spec.Dtype})  created {spec.CreatedUtc:u}");
            output.WriteLine($"layers   {layers.Count}");
            for (int i = 0; i < layers.Count; i++)
            {
                // A layer's data side is the next layer's base side (the last one's is the model's data shape).
                Shape? next = i + 1 < layers.Count ? layers[i + 1].Shape : spec.DataShape;
                output.WriteLine($"  {i,3}  {SpecJson.KindOf(layers[i].GetType()),-24} {layers[i].Shape} -> {next?.ToString() ?? "?"}");
            }
            foreach (var (name, value) in spec.Metrics) output.WriteLine($"metric   {name} = {value:G6}");
            return 0;
        });
        return command;
    }
}
