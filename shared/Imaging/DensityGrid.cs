using FlowLive.Flows;
using static TorchSharp.torch;

namespace FlowLive.Imaging;

/// <summary>
/// log p(x) of a 2-D flow at the centre of every cell of a <see cref="GridWindow"/>, row-major from the top-left, as a
/// plain array (no tensors kept): what heatmaps, the server's density stream and the viewer draw. Cells where the
/// flow gives -inf (outside a bounded support) or NaN keep that value; drawers show them as the lowest colour.
/// </summary>
public sealed class DensityGrid
{
    /// <summary>Grid cells evaluated per forward pass: bounds the activations of a 512x512 grid to a few MB per layer.</summary>
    public const int DefaultBatchSize = 8192;

    public DensityGrid(GridWindow window, float[] logDensity)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(logDensity);
        if (logDensity.Length != window.CellCount)
            throw new ArgumentException($"a {window.Columns}x{window.Rows} grid needs {window.CellCount} log-densities, got {logDensity.Length}", nameof(logDensity));
        Window = window;
        LogDensity = logDensity;
    }

    public GridWindow Window { get; }

    /// <summary>log p(x) at each cell centre, row-major from the top-left (length Window.CellCount).</summary>
    public float[] LogDensity { get; }

    public float LogDensityAt(int row, int column) => LogDensity[row * Window.Columns + column];

    /// <summary>The midpoint-rule integral sum(exp(log p) * cell area): close to 1 when the window holds the mass.</summary>
    public double Mass()
    {
        double sum = 0;
        foreach (var v in LogDensity) if (!float.IsNaN(v)) sum += Math.Exp(v);
        return sum * Window.CellArea;
    }

    /// <summary>The smallest and largest finite log-density, or null when no cell is finite.</summary>
    public (float Min, float Max)? FiniteRange()
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in LogDensity) if (float.IsFinite(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
        return min <= max ? (min, max) : null;
    }

    /// <summary>
    /// Evaluates <paramref name="flow"/>.LogProb at every cell centre, <paramref name="batchSize"/> cells at a time, under
    /// no_grad and a dispose scope per batch (nothing stays alive). The flow should be in evaluation mode
    /// (<see cref="Flow.Train"/>(false)) when it has batch-norm layers, or each batch would be normalised by its own statistics.
    /// </summary>
    public static DensityGrid Evaluate(Flow flow, GridWindow window, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(window);
        if (flow.DataShape != Shape.Vector(2))
            throw new ArgumentException($"a density grid needs a 2-D flow, this one has data shape {flow.DataShape}", nameof(flow));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be at least 1");
        var (dtype, device) = FlowTensors.DtypeAndDevice(flow);
        var logDensity = new float[window.CellCount];
        using var _ = no_grad();
        for (int first = 0; first < window.CellCount; first += batchSize)
        {
            int count = Math.Min(batchSize, window.CellCount - first);
            using var scope = NewDisposeScope();
            var x = tensor(window.Centres(first, count), [count, 2]).to(dtype, device);
            FlowTensors.CopyFloats(flow.LogProb(x), logDensity.AsSpan(first, count));
        }
        return new DensityGrid(window, logDensity);
    }
}
