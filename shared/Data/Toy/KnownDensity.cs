using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>Input checks, dtypes and tensor lifetimes shared by every <see cref="IKnownDensity"/>.</summary>
public static class KnownDensity
{
    /// <summary>
    /// Checks x is [n, 2] floating point, evaluates <paramref name="logDensity"/> on it as float64 on the CPU and
    /// returns the [n] result in x's dtype on x's device; temporaries are freed here.
    /// </summary>
    public static Tensor Evaluate(string dataset, Tensor x, Func<Tensor, Tensor> logDensity)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.shape[1] != 2)
            throw new ArgumentException($"{dataset}: LogDensity expects points of shape [n, 2], got [{string.Join(", ", x.shape)}]", nameof(x));
        if (!x.is_floating_point())
            throw new ArgumentException($"{dataset}: LogDensity expects floating point points, got {x.dtype}", nameof(x));
        using var scope = NewDisposeScope();
        var result = logDensity(x.to(ScalarType.Float64, CPU));
        if (!result.shape.SequenceEqual([x.shape[0]]))
            throw new InvalidOperationException($"{dataset}: log density has shape [{string.Join(", ", result.shape)}], expected [{x.shape[0]}]");
        return result.to(x.dtype, x.device).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// H(p) ~ -(1/N) sum_i log p(x_i) over N = <paramref name="samples"/> points drawn from <paramref name="set"/>
    /// with a generator seeded by <paramref name="seed"/>, in batches so memory stays bounded; the standard error is
    /// sd(log p) / sqrt(N).
    /// </summary>
    public static DataEntropy MonteCarloEntropy(IToyDataset set, Func<Tensor, Tensor> logDensity, long samples, ulong seed, long batch = 65_536)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 2);
        using var generator = new Generator(seed);
        double sum = 0, sumSquares = 0;
        for (long done = 0; done < samples; done += batch)
        {
            using var scope = NewDisposeScope();
            var logp = logDensity(set.Sample(Math.Min(batch, samples - done), generator).to(ScalarType.Float64));
            using (var finite = logp.isfinite().all())
                if (!finite.ToBoolean())
                    throw new InvalidOperationException($"{set.Name}: a sample of the set has log density -inf or NaN; its density and sampler disagree");
            sum += logp.sum().ToDouble();
            sumSquares += logp.square().sum().ToDouble();
        }
        double mean = sum / samples;
        double variance = Math.Max(0, (sumSquares - samples * mean * mean) / (samples - 1));
        return new DataEntropy(-mean, Math.Sqrt(variance / samples), false, samples, seed);
    }

    /// <summary>Seed of every Monte Carlo entropy, so each set reports the same number every run.</summary>
    public const ulong EntropySeed = 20_240_205;
}

/// <summary>
/// A toy set with a known density: subclasses give log p on float64 points and, where it has one, the closed-form
/// entropy; otherwise the entropy is a Monte Carlo estimate over <see cref="EntropySamples"/> points, computed once on
/// first use.
/// </summary>
public abstract class KnownDensityToyDataset : ToyDataset, IKnownDensity
{
    readonly Lazy<DataEntropy> entropy;

    protected KnownDensityToyDataset() => entropy = new(ComputeEntropy);

    public Tensor LogDensity(Tensor x) => KnownDensity.Evaluate(Name, x, LogDensityCore);

    public DataEntropy Entropy => entropy.Value;

    /// <summary>log p of float64 CPU points [n, 2] as float64 [n]; temporaries are freed by the caller's scope.</summary>
    protected abstract Tensor LogDensityCore(Tensor x);

    /// <summary>Samples of the Monte Carlo entropy when there is no closed form.</summary>
    protected virtual long EntropySamples => 1_000_000;

    protected virtual DataEntropy ComputeEntropy() =>
        KnownDensity.MonteCarloEntropy(this, LogDensityCore, EntropySamples, KnownDensity.EntropySeed);
}
