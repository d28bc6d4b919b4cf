using System.Text.Json;
using FlowLive.Models;
using FlowLive.Training;

namespace FlowLive.Cli;

/// <summary>
/// The metrics JSON written beside every trained model: the typed metrics, the request that made it and the learning
/// curve (every report), so `report` can draw the curves and a reader can see how the figure was reached.
/// </summary>
public static class MetricsFile
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Write(string path, TrainingResult result) =>
        AtomicFile.WriteText(path, JsonSerializer.Serialize(new MetricsDocument(result.Spec.Name, result.Spec.Preset, result.Spec.Dataset,
            result.Metrics, result.Loop.History.Select(r => new CurvePoint(r.Step, r.Epoch, r.TrainLoss, r.ValidationLoss, r.LearningRate, r.Elapsed.TotalSeconds)).ToList()), Json));

    public static MetricsDocument? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<MetricsDocument>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not a FlowLive metrics file ({e.Message})", e); }
    }

    public sealed record MetricsDocument(string Model, string? Preset, string? Dataset, TrainingMetrics Metrics, IReadOnlyList<CurvePoint> Curve);

    public sealed record CurvePoint(int Step, int Epoch, double Train, double? Validation, double LearningRate, double Seconds);
}
