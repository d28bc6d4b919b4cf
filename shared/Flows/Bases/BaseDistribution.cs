using static TorchSharp.torch;

namespace FlowLive.Flows.Bases;

/// <summary>
/// The distribution a flow starts from. Sampling at a temperature T scales the spread about the mode by T
/// (Glow's convention): T = 1 is the distribution itself, T = 0 returns its mode (or each drawn component's mode).
/// Samples are drawn on the CPU from a seeded generator and then moved, so a seed gives the same numbers on any device.
/// </summary>
public abstract class BaseDistribution : nn.Module
{
    protected BaseDistribution(string name, Shape shape) : base(name) => Shape = shape;

    /// <summary>Per-sample shape of z.</summary>
    public Shape Shape { get; }

    public abstract BaseSpec Spec { get; }

    /// <summary>Dtype and device of samples: those of the distribution's own tensors.</summary>
    protected abstract Tensor Anchor { get; }

    /// <summary>log p(z) of shape [batch].</summary>
    public Tensor LogProb(Tensor z)
    {
        if (!Shape.MatchesBatched(z.shape))
            throw new FlowShapeException($"{GetType().Name}.LogProb: expected a batch of shape [batch, {string.Join(", ", Shape.Dims)}], got {Shape.Format(z.shape)}");
        using var scope = NewDisposeScope();
        return LogProbCore(z.reshape(z.shape[0], -1)).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="count"/> samples of shape [count, ..Shape] at <paramref name="temperature"/>.</summary>
    public Tensor Sample(long count, double temperature = 1.0, long? seed = null)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "sample count must be positive");
        if (!(temperature >= 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be finite and >= 0");
        using var scope = NewDisposeScope();
        using var generator = seed is long s ? new Generator((ulong)s) : null;
        // No no_grad here: samples of a learnable base are reparameterised (mode + T * scale * noise), so reverse-KL
        // fitting can pass gradients through them. Flow.Sample turns gradients off itself.
        Tensor flat = SampleCore(count, temperature, generator);
        return flat.reshape(Shape.WithBatch(count)).MoveToOuterDisposeScope();
    }

    /// <summary>Standard normal noise [count, D] on the CPU, then moved to the anchor's dtype and device.</summary>
    protected Tensor Noise(long count, Generator? generator) =>
        randn(new[] { count, Shape.Size }, dtype: float64, generator: generator).to(Anchor.dtype, Anchor.device);

    /// <summary>log p of a flattened batch [batch, D].</summary>
    protected abstract Tensor LogProbCore(Tensor flatZ);

    /// <summary>A flattened batch [count, D].</summary>
    protected abstract Tensor SampleCore(long count, double temperature, Generator? generator);

    protected static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    /// <summary>Builds a base distribution from its spec.</summary>
    public static BaseDistribution Create(BaseSpec spec) => spec.Build();
}
