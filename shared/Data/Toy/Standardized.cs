using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// A toy set standardised per axis by statistics of a training set: samples are y = (x - mean) / std with x drawn
/// from <see cref="Inner"/>. <see cref="Fit"/> takes mean and the population std (ddof 0, as numpy's std and
/// scikit-learn's StandardScaler) of a given training tensor. When the inner set has a known density the result
/// implements <see cref="IKnownDensity"/> exactly through the affine map:
/// log p_y(y) = log p_x(y * std + mean) + sum_i log std_i, and H(y) = H(x) - sum_i log std_i.
/// </summary>
public class Standardized : ToyDataset
{
    private protected Standardized(IToyDataset inner, string name, double[] mean, double[] std)
    {
        Inner = inner;
        Name = name;
        Mean = mean;
        Std = std;
    }

    public IToyDataset Inner { get; }
    public IReadOnlyList<double> Mean { get; }
    public IReadOnlyList<double> Std { get; }
    public override string Name { get; }
    public override string Description =>
        $"{Inner.Description}, standardised by mean ({Mean[0]:G6}, {Mean[1]:G6}) and std ({Std[0]:G6}, {Std[1]:G6})";

    /// <summary>sum_i log std_i: the log |det| of x -> (x - mean) / std is minus this.</summary>
    public double LogStdSum => Math.Log(Std[0]) + Math.Log(Std[1]);

    /// <summary>
    /// <paramref name="inner"/> standardised by the per-axis mean and population std of <paramref name="training"/>
    /// ([m, 2], m >= 2, any floating dtype), named <paramref name="name"/> (default inner name + "_standardized").
    /// </summary>
    public static Standardized Fit(IToyDataset inner, Tensor training, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(training);
        if (training.dim() != 2 || training.shape[1] != 2 || training.shape[0] < 2 || !training.is_floating_point())
            throw new ArgumentException($"Standardized.Fit: training must be floating point [m, 2] with m >= 2, got {training.dtype} [{string.Join(", ", training.shape)}]", nameof(training));
        using var scope = NewDisposeScope();
        var x = training.to(ScalarType.Float64, CPU);
        var mean = x.mean([0L]);
        var std = (x - mean).square().mean([0L]).sqrt();
        return Create(inner, mean.data<double>().ToArray(), std.data<double>().ToArray(), name);
    }

    /// <summary><paramref name="inner"/> standardised by a given mean and std (e.g. saved with a model).</summary>
    public static Standardized Create(IToyDataset inner, IReadOnlyList<double> mean, IReadOnlyList<double> std, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (mean.Count != 2 || mean.Any(m => !double.IsFinite(m)))
            throw new ArgumentException($"Standardized: mean must be 2 finite numbers, got [{string.Join(", ", mean)}]", nameof(mean));
        if (std.Count != 2 || std.Any(s => !(s > 0) || !double.IsFinite(s)))
            throw new ArgumentException($"Standardized: std must be 2 finite numbers > 0, got [{string.Join(", ", std)}]", nameof(std));
        name ??= inner.Name + "_standardized";
        return inner is IKnownDensity known
            ? new StandardizedWithDensity(inner, known, name, [.. mean], [.. std])
            : new Standardized(inner, name, [.. mean], [.. std]);
    }

    private protected Tensor MeanTensor(ScalarType dtype) => tensor(Mean.ToArray(), dtype: ScalarType.Float64).to(dtype);
    private protected Tensor StdTensor(ScalarType dtype) => tensor(Std.ToArray(), dtype: ScalarType.Float64).to(dtype);

    protected override Tensor SampleCore(long n, Generator g)
    {
        var x = Inner.Sample(n, g).to(ScalarType.Float64);
        return (x - MeanTensor(ScalarType.Float64)) / StdTensor(ScalarType.Float64);
    }
}

/// <summary>A <see cref="Standardized"/> set whose inner set has a known density, transformed exactly.</summary>
public sealed class StandardizedWithDensity : Standardized, IKnownDensity
{
    readonly IKnownDensity density;
    readonly Lazy<DataEntropy> entropy;

    internal StandardizedWithDensity(IToyDataset inner, IKnownDensity density, string name, double[] mean, double[] std)
        : base(inner, name, mean, std)
    {
        this.density = density;
        entropy = new(() => density.Entropy.Shifted(-LogStdSum));
    }

    public Tensor LogDensity(Tensor y) => KnownDensity.Evaluate(Name, y, yy =>
        density.LogDensity(yy * StdTensor(ScalarType.Float64) + MeanTensor(ScalarType.Float64)) + LogStdSum);

    public DataEntropy Entropy => entropy.Value;
}
