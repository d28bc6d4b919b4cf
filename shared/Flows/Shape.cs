using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowLive.Flows;

/// <summary>
/// The shape of one sample, without the batch dimension: [D] for vectors, [C, H, W] for images.
/// Immutable, compared by value, written to JSON as a plain array.
/// </summary>
[JsonConverter(typeof(ShapeJsonConverter))]
public sealed class Shape : IEquatable<Shape>
{
    readonly long[] dims;

    public Shape(params long[] dims)
    {
        if (dims.Length == 0) throw new ArgumentException("a shape needs at least one dimension", nameof(dims));
        if (dims.Any(d => d <= 0)) throw new ArgumentException($"shape dimensions must be positive, got {Format(dims)}", nameof(dims));
        this.dims = (long[])dims.Clone();
    }

    public static Shape Vector(long size) => new(size);
    public static Shape Image(long channels, long height, long width) => new(channels, height, width);

    public IReadOnlyList<long> Dims => dims;
    public int Rank => dims.Length;
    public long this[int index] => dims[index];
    public long Size => dims.Aggregate(1L, (a, b) => a * b);
    public bool IsVector => dims.Length == 1;
    public bool IsImage => dims.Length == 3;

    /// <summary>The shape of a batch of <paramref name="batch"/> such samples.</summary>
    public long[] WithBatch(long batch) => [batch, .. dims];

    /// <summary>True when a batched tensor shape is [batch, ..this].</summary>
    public bool MatchesBatched(ReadOnlySpan<long> tensorShape) =>
        tensorShape.Length == dims.Length + 1 && tensorShape[1..].SequenceEqual(dims);

    public static Shape OfBatched(long[] tensorShape) => new(tensorShape[1..]);

    public bool Equals(Shape? other) => other is not null && dims.AsSpan().SequenceEqual(other.dims);
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    public override int GetHashCode() => dims.Aggregate(17, (h, d) => h * 31 + d.GetHashCode());
    public static bool operator ==(Shape? a, Shape? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(Shape? a, Shape? b) => !(a == b);
    public override string ToString() => Format(dims);
    public long[] ToArray() => (long[])dims.Clone();

    public static string Format(IEnumerable<long> dims) => "[" + string.Join(", ", dims) + "]";
}

sealed class ShapeJsonConverter : JsonConverter<Shape>
{
    // Bad dimensions are a JsonException, so the serializer adds the path of the field ("$.flow.base.shape").
    public override Shape Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        long[] dims = JsonSerializer.Deserialize<long[]>(ref reader, options) ?? throw new JsonException("a shape cannot be null");
        if (dims.Length == 0) throw new JsonException("a shape needs at least one dimension, got []");
        if (dims.Any(d => d <= 0)) throw new JsonException($"shape dimensions must be positive, got {Shape.Format(dims)}");
        return new(dims);
    }

    public override void Write(Utf8JsonWriter writer, Shape value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToArray(), options);
}
