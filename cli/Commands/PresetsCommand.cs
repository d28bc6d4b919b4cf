using System.CommandLine;
using FlowLive.Training.Presets;

namespace FlowLive.Cli.Commands;

/// <summary>`flowlive presets`: every training preset, one line each, with the exercise it reproduces and its bar.</summary>
public static class PresetsCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("presets", "list the training presets (`flowlive train --preset NAME`) and the exercise each comes from");
        command.SetAction(_ =>
        {
            int width = PresetCatalog.All.Max(p => p.Name.Length);
            foreach (var preset in PresetCatalog.All)
            {
                output.WriteLine($"{preset.Name.PadRight(width)}  {preset.Exercise}");
                output.WriteLine($"{"".PadRight(width)}  {preset.Summary}");
                output.WriteLine($"{"".PadRight(width)}  bar: {preset.Bar.Description}{(preset.Kind == PresetKind.Image ? " (image preset: tens of minutes)" : "")}");
            }
            return 0;
        });
        return command;
    }
}
