namespace FlowLive.Training;

/// <summary>
/// A finished run's figures as typed fields. Losses are nats per sample (for 8-bit images on the 256-level scale,
/// so bits/dim = nats / (D ln 2)). Model files store them as the flat dictionary of <see cref="ToDictionary"/>.
/// </summary>
public sealed record TrainingMetrics
{
    public double TrainLoss { get; init; }
    public double? ValidationLoss { get; init; }
    public double? TestLoss { get; init; }
    public long TestCount { get; init; }
    public long Dimensions { get; init; }
    public bool DiscreteImages { get; init; }
    /// <summary>The data's entropy (nats), where its density is known: the best NLL any model can reach.</summary>
    public double? DataEntropy { get; init; }
    public double? DataEntropyStandardError { get; init; }
    /// <summary>Reverse KL runs: E_q[log q - log p~] = KL - log Z, and KL itself where log Z is known.</summary>
    public double? ReverseKlMinusLogZ { get; init; }
    public double? Kl { get; init; }
    public int Steps { get; init; }
    public int Epochs { get; init; }
    public int BatchSize { get; init; }
    public double Seconds { get; init; }
    public bool StoppedEarly { get; init; }
    public int? BestStep { get; init; }
    public int Recoveries { get; init; }

    double? Bits(double? nats) => DiscreteImages && nats is double n ? n / (Dimensions * Math.Log(2)) : null;
    public double? TrainBitsPerDim => Bits(TrainLoss);
    public double? ValidationBitsPerDim => Bits(ValidationLoss);
    public double? TestBitsPerDim => Bits(TestLoss);
    /// <summary>
    /// How far from the best possible NLL (nats): KL(p || q) measured on the test points themselves where the data's
    /// density p is known (<see cref="GapEstimate"/>), with its standard error.
    /// </summary>
    public double? Gap { get; init; }
    public double? GapStandardError { get; init; }

    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var d = new Dictionary<string, double>();
        void Put(string key, double? value) { if (value is double v) d[key] = v; }
        if (ReverseKlMinusLogZ is not null)
        {
            Put("reverse_kl_minus_log_z", ReverseKlMinusLogZ);
            Put("kl", Kl);
        }
        else
        {
            Put("train_nll", TrainLoss);
            Put("validation_nll", ValidationLoss);
            Put("test_nll", TestLoss);
            Put("train_bits_per_dim", TrainBitsPerDim);
            Put("validation_bits_per_dim", ValidationBitsPerDim);
            Put("test_bits_per_dim", TestBitsPerDim);
            Put(DiscreteImages ? "test_images" : "test_points", TestCount);
            Put("data_entropy", DataEntropy);
            Put("data_entropy_standard_error", DataEntropyStandardError);
            Put("gap", Gap);
            Put("gap_standard_error", GapStandardError);
        }
        Put("steps", Steps);
        Put("epochs", Epochs);
        Put("batch_size", BatchSize);
        Put("seconds", Seconds);
        Put("stopped_early", StoppedEarly ? 1 : 0);
        Put("best_step", BestStep);
        Put("recoveries", Recoveries);
        return d;
    }

    /// <summary>One line for the end of a run: the figure that matters for the kind of data, with its units.</summary>
    public string Summary()
    {
        if (ReverseKlMinusLogZ is double objective)
            return $"E_q[log q - log p~] = KL - log Z = {objective:F4} nats" + (Kl is double kl ? $" (KL {kl:F4} nats)" : "") + $", {Seconds:F1} s";
        string test = TestBitsPerDim is double bpd
            ? $"test {bpd:F3} bits/dim ({TestLoss:F1} nats per image, {TestCount:N0} test images)"
            : $"test nll {TestLoss:F4} nats ({TestCount:N0} held-out points)";
        string gap = Gap is double g ? $", gap to the best possible {g:F4} +- {GapStandardError:F4} nats (data entropy {DataEntropy:F4})" : "";
        string train = TrainBitsPerDim is double tb ? $"train {tb:F3} bits/dim" : $"train nll {TrainLoss:F4}";
        string validation = ValidationBitsPerDim is double vb ? $", validation {vb:F3} bits/dim"
            : ValidationLoss is double v ? $", validation nll {v:F4}" : "";
        string early = StoppedEarly ? $", stopped early (best at step {BestStep})" : "";
        return $"{test}{gap}; {train}{validation}{early}; {Steps} steps, {Seconds:F1} s";
    }
}
