namespace FlowLive.Vae;

/// <summary>What a VAE file says besides its weights: the VAE, the data and how training went (JSON inside the file).</summary>
public sealed record VaeModelSpec
{
    public required string Name { get; init; }
    public required VaeSpec Vae { get; init; }

    /// <summary>Element type of the weights: "float32" or "float64".</summary>
    public string Dtype { get; init; } = "float32";

    /// <summary>The dataset trained on, e.g. "mnist", and how it was binarised, e.g. "threshold-127".</summary>
    public string? Dataset { get; init; }

    /// <summary>Final figures, e.g. "test_neg_elbo" or "test_iwae_nll" (nats per image).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UtcNow;
}
