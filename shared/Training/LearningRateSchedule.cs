using System.Text.Json.Serialization;

namespace FlowLive.Training;

/// <summary>
/// How the learning rate moves over a run, as a factor of the base rate. A pure function of the step and epoch, so a
/// resumed run needs no scheduler state to continue exactly where it stopped.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ConstantSchedule), "constant")]
[JsonDerivedType(typeof(StepDecaySchedule), "step")]
[JsonDerivedType(typeof(CosineSchedule), "cosine")]
public abstract record LearningRateSchedule
{
    /// <summary>The factor for <paramref name="step"/> (1-based) of <paramref name="totalSteps"/>, in <paramref name="epoch"/> (1-based).</summary>
    public abstract double Factor(int step, int epoch, int totalSteps);

    public abstract string Describe();

    /// <summary>Parses "constant", "step:GAMMA[:EVERY]" or "cosine[:WARMUP]" (as the CLI and presets write them).</summary>
    public static LearningRateSchedule Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        try
        {
            return parts[0] switch
            {
                "constant" when parts.Length == 1 => new ConstantSchedule(),
                "step" when parts.Length is 2 or 3 => new StepDecaySchedule
                {
                    Gamma = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture),
                    EveryEpochs = parts.Length == 3 ? int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) : 1,
                }.Checked(),
                "cosine" when parts.Length is 1 or 2 => new CosineSchedule
                {
                    WarmupSteps = parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0,
                }.Checked(),
                _ => throw new FormatException(),
            };
        }
        catch (FormatException)
        {
            throw new ArgumentException($"unknown learning-rate schedule '{text}' (expected constant, step:GAMMA[:EPOCHS] or cosine[:WARMUP_STEPS])");
        }
        catch (OverflowException)
        {
            throw new ArgumentException($"learning-rate schedule '{text}' has a number out of range");
        }
    }
}

public sealed record ConstantSchedule : LearningRateSchedule
{
    public override double Factor(int step, int epoch, int totalSteps) => 1;
    public override string Describe() => "constant";
}

/// <summary>StepLR: the rate is multiplied by <see cref="Gamma"/> every <see cref="EveryEpochs"/> epochs.</summary>
public sealed record StepDecaySchedule : LearningRateSchedule
{
    public double Gamma { get; init; } = 0.5;
    public int EveryEpochs { get; init; } = 1;

    public override double Factor(int step, int epoch, int totalSteps) => Math.Pow(Gamma, (epoch - 1) / EveryEpochs);
    public override string Describe() => $"step decay x{Gamma} every {EveryEpochs} epoch(s)";

    internal StepDecaySchedule Checked()
    {
        if (!(Gamma > 0 && Gamma <= 1)) throw new ArgumentException($"step decay: gamma must be in (0, 1], got {Gamma}");
        if (EveryEpochs < 1) throw new ArgumentException($"step decay: the interval must be at least 1 epoch, got {EveryEpochs}");
        return this;
    }
}

/// <summary>Linear warm-up over <see cref="WarmupSteps"/>, then cosine decay to zero at the last step (Loshchilov and Hutter 2017).</summary>
public sealed record CosineSchedule : LearningRateSchedule
{
    public int WarmupSteps { get; init; }

    public override double Factor(int step, int epoch, int totalSteps)
    {
        if (step <= WarmupSteps) return step / (double)WarmupSteps;
        double progress = (step - WarmupSteps) / (double)Math.Max(1, totalSteps - WarmupSteps);
        return 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
    }

    public override string Describe() => WarmupSteps > 0 ? $"cosine with {WarmupSteps} warm-up steps" : "cosine";

    internal CosineSchedule Checked()
    {
        if (WarmupSteps < 0) throw new ArgumentException($"cosine: warm-up steps must be 0 or more, got {WarmupSteps}");
        return this;
    }
}
