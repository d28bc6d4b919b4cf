using FlowLive.Flows;

namespace FlowLive.Models;

/// <summary>
/// What a model file says about a trained flow besides its weights: the flow itself, the data it models and
/// how training went. Written as JSON inside the model file, readable with any JSON tool.
/// </summary>
public sealed record ModelSpec
{
    public required string Name { get; init; }
    public required FlowSpec Flow { get; init; }

    /// <summary>Per-sample shape of the data the flow models (its layers' data side); checked against the flow on load.</summary>
    public Shape? DataShape { get; init; }

    /// <summary>Element type of the weights: "float32" or "float64".</summary>
    public string Dtype { get; init; } = "float32";

    /// <summary>The dataset trained on, e.g. "two-moons" or "mnist", when there was one.</summary>
    public string? Dataset { get; init; }

    /// <summary>The training preset the model came from (`flowlive train --preset NAME`), when it did.</summary>
    public string? Preset { get; init; }

    /// <summary>
    /// The request that trained the model (its flow spec left out: it is <see cref="Flow"/>), so `eval` and `report`
    /// can rebuild the same held-out data and a reader can see exactly how the model was made.
    /// </summary>
    public Training.TrainingRequest? Request { get; init; }

    /// <summary>Final training figures, e.g. "test_nll" or "bits_per_dim".</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UtcNow;
}
