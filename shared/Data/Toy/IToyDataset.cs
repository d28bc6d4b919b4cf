using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>A 2-D density to sample from: the classic toy targets of flow papers.</summary>
public interface IToyDataset
{
    /// <summary>Registry name, snake_case (see <see cref="ToyDatasets"/>).</summary>
    string Name { get; }
    string Description { get; }

    /// <summary>
    /// <paramref name="n"/> points as float32 [n, 2] on the CPU, roughly within [-4, 4]^2. Every random number comes
    /// from <paramref name="generator"/>, so a seed gives the same points.
    /// </summary>
    Tensor Sample(long n, Generator generator);
}

/// <summary>Argument checks and tensor lifetimes shared by the toy sets; subclasses only say how to draw.</summary>
public abstract class ToyDataset : IToyDataset
{
    public abstract string Name { get; }
    public abstract string Description { get; }

    public Tensor Sample(long n, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        using var scope = NewDisposeScope();
        var points = SampleCore(n, generator).to(float32);
        if (!points.shape.SequenceEqual([n, 2]))
            throw new InvalidOperationException($"{Name}: sampler returned shape [{string.Join(", ", points.shape)}], expected [{n}, 2]");
        return points.MoveToOuterDisposeScope();
    }

    /// <summary>Draws [n, 2] points; temporaries are freed by the caller's scope.</summary>
    protected abstract Tensor SampleCore(long n, Generator generator);

    public override string ToString() => Name;

    protected static Tensor Uniform(long n, Generator g) => rand([n], dtype: float32, generator: g);
    protected static Tensor Normal(long n, Generator g) => randn([n], dtype: float32, generator: g);
    /// <summary>Integers uniform in [low, high), as float32 so they mix with coordinates.</summary>
    protected static Tensor Integers(long n, long low, long high, Generator g) =>
        randint(low, high, [n], dtype: int64, generator: g).to(float32);
}
