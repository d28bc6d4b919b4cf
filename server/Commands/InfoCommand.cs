using System.CommandLine;
using FlowLive.Models;

namespace FlowLive.Server.Commands;

/// <summary>`flowlive info --model m.flow`: what a model file holds: layers, shapes, dataset, training metrics.</summary>
public static class InfoCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<FileInfo>("--model") { Description = "model file (.flow)", Required = true };
        var json = new Option<bool>("--json") { Description = "print the whole spec as JSON" };
        var command = new Command("info", "show what a model file holds: layers, shapes, dataset, training metrics") { model, json };
        command.SetAction(parsed =>
        {
            using var loaded = ModelFile.Load(parsed.GetValue(model)!.FullName);
            var spec = loaded.Spec;
            if (parsed.GetValue(json))
            {
                output.WriteLine(SpecJson.Serialize(spec));
                return 0;
            }
            var flow = loaded.Flow;
            long weights = flow.Module.parameters().Sum(p => p.numel());
            output.WriteLine($"model    {spec.Name}  ({loaded.Path})");
            output.WriteLine($"data     {flow.DataShape}  dataset {spec.Dataset ?? "-"}");
            output.WriteLine($"base     {SpecJson.KindOf(spec.Flow.Base.GetType())} {flow.LatentShape}");
            output.WriteLine($"weights  {weights:N0} ({spec.Dtype})  created {spec.CreatedUtc:u}");
            output.WriteLine($"layers   {flow.LayerCount}");
            for (int i = 0; i < flow.LayerCount; i++)
            {
                var layer = flow.Layers[i];
                output.WriteLine($"  {i,3}  {SpecJson.KindOf(layer.Spec.GetType()),-24} {layer.LatentShape} -> {layer.DataShape}");
            }
            foreach (var (name, value) in spec.Metrics) output.WriteLine($"metric   {name} = {value:G6}");
            return 0;
        });
        return command;
    }
}
