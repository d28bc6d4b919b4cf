using FlowLive.Imaging;
using FlowLive.Protos.V1;
using FlowLive.Server.Registry;

namespace FlowLive.Server.Wire;

/// <summary>
/// The checks on request fields the model rpcs share, made before any work starts: counts against caps, seeds,
/// temperatures, chunk sizes, grid sizes. Each failure names the field (INVALID_ARGUMENT) or the cap (RESOURCE_EXHAUSTED).
/// </summary>
public sealed class RequestChecks(ServerLimits limits)
{
    public const double MaxTemperature = 10;

    public long Count(long count, string field, HostedModel model)
    {
        if (count < 1) throw Problems.Invalid(field, $"must be at least 1, got {count}");
        if (count > limits.MaxPoints) throw Problems.OverCap(field, $"Limits:MaxPoints = {limits.MaxPoints:N0}", $"asks for {count:N0} points");
        long floats = count * model.LatentShape.Size;
        if (floats > limits.MaxFloats)
            throw Problems.OverCap(field, $"Limits:MaxFloats = {limits.MaxFloats:N0} values",
                $"{count:N0} samples of {model.LatentShape.Size} values are {floats:N0} values");
        return count;
    }

    public static long Seed(bool has, long seed) => has ? seed : Random.Shared.NextInt64(0, long.MaxValue);

    public static double Temperature(bool has, double temperature)
    {
        if (!has) return 1.0;
        if (!double.IsFinite(temperature) || temperature <= 0 || temperature > MaxTemperature)
            throw Problems.Invalid("temperature", $"must be finite, above 0 and at most {MaxTemperature}, got {temperature}");
        return temperature;
    }

    /// <summary>
    /// Points per message when the client leaves it to the server: small enough that the first chunk arrives soon
    /// (a viewer starts drawing while the rest computes), large enough that per-message costs stay negligible.
    /// </summary>
    public const int DefaultChunkPoints = 4096;

    /// <summary>Points per message: the client's choice (up to what fits in one message), or the default.</summary>
    public int ChunkSize(int requested, long valuesPerPoint)
    {
        int fit = (int)Math.Max(1, limits.MaxMessageBytes / (valuesPerPoint * sizeof(float)));
        if (requested < 0) throw Problems.Invalid("chunk_size", $"must be 0 (server's choice) or more, got {requested}");
        if (requested > fit)
            throw Problems.OverCap("chunk_size", $"{fit} points of {valuesPerPoint} values per message (Limits:MaxMessageBytes = {limits.MaxMessageBytes:N0} bytes)",
                $"asks for {requested} points per message");
        return requested == 0 ? Math.Min(fit, DefaultChunkPoints) : requested;
    }

    public int Steps(int steps)
    {
        if (steps < 2) throw Problems.Invalid("steps", $"must be at least 2 (both ends), got {steps}");
        if (steps > limits.MaxSteps) throw Problems.OverCap("steps", $"Limits:MaxSteps = {limits.MaxSteps}", $"asks for {steps} steps");
        return steps;
    }

    public static InterpolationKind Kind(InterpolationKind kind)
    {
        if (kind == InterpolationKind.Unspecified) return InterpolationKind.Linear;
        if (!Enum.IsDefined(kind))
            throw Problems.Invalid("kind", $"unknown interpolation kind {(int)kind} (INTERPOLATION_KIND_LINEAR or INTERPOLATION_KIND_SPHERICAL)");
        return kind;
    }

    /// <summary>The grid the client asked for; null bounds mean "around the samples" (filled in by the caller).</summary>
    public (int Columns, int Rows) GridSize(int columns, int rows)
    {
        if (columns < 0) throw Problems.Invalid("columns", $"must be 0 (200) or more, got {columns}");
        if (rows < 0) throw Problems.Invalid("rows", $"must be 0 (as many as columns) or more, got {rows}");
        if (columns == 0) columns = 200;
        if (rows == 0) rows = columns;
        if (columns > limits.MaxGridSide) throw Problems.OverCap("columns", $"Limits:MaxGridSide = {limits.MaxGridSide}", $"asks for {columns} columns");
        if (rows > limits.MaxGridSide) throw Problems.OverCap("rows", $"Limits:MaxGridSide = {limits.MaxGridSide}", $"asks for {rows} rows");
        if ((long)columns * rows > limits.MaxGridCells)
            throw Problems.OverCap("columns", $"Limits:MaxGridCells = {limits.MaxGridCells:N0}", $"{columns} x {rows} is {(long)columns * rows:N0} cells");
        return (columns, rows);
    }

    public static GridWindow? Window(Bounds? bounds, int columns, int rows)
    {
        if (bounds is null) return null;
        if (!(double.IsFinite(bounds.XMin) && double.IsFinite(bounds.XMax) && bounds.XMax > bounds.XMin))
            throw Problems.Invalid("bounds", $"x_min and x_max must be finite with x_min < x_max, got [{bounds.XMin}, {bounds.XMax}]");
        if (!(double.IsFinite(bounds.YMin) && double.IsFinite(bounds.YMax) && bounds.YMax > bounds.YMin))
            throw Problems.Invalid("bounds", $"y_min and y_max must be finite with y_min < y_max, got [{bounds.YMin}, {bounds.YMax}]");
        return new GridWindow(bounds.XMin, bounds.XMax, bounds.YMin, bounds.YMax, columns, rows);
    }

    public static void Invertible(HostedModel model, string rpc)
    {
        if (model.Invertible) return;
        var without = model.Flow.Layers.Where(l => !l.HasInverse).Select(l => l.KindName).Distinct();
        throw Problems.Precondition($"model '{model.Name}' cannot {rpc}: its layers {string.Join(", ", without)} have no inverse");
    }
}
