using System.Globalization;
using FlowLive.Training.Presets;
using PresetMessage = FlowLive.Protos.V1.Preset;

namespace FlowLive.Server.Jobs;

/// <summary>The presets as ListPresets shows them (what `flowlive presets` prints, in fields).</summary>
public static class PresetMessages
{
    public static PresetMessage Of(Preset preset) => new()
    {
        Name = preset.Name,
        Title = preset.Exercise,
        Details = preset.Summary,
        Kind = preset.Request().Vae is not null ? "vae" : preset.Kind == PresetKind.TwoD ? "2d" : "images",
        Bar = preset.Bar.Threshold is double threshold
            ? $"{preset.Bar.Metric} <= {threshold.ToString(CultureInfo.InvariantCulture)}"
            : $"{preset.Bar.Metric} (reported, no bar)",
    };
}
