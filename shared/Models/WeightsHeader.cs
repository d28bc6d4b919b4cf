namespace FlowLive.Models;

/// <summary>
/// The names, element types and shapes of the tensors in a TorchSharp weights block, read without building any
/// tensor, so that a model file's spec can be checked against what it stores before anything is allocated.
///
/// TorchSharp's format (Module.save; the same as its exportsd.py writes): LEB128 count, then per tensor a LEB128
/// name length and UTF-8 name, LEB128 element type, LEB128 rank, LEB128 sizes, and the raw little-endian values.
/// </summary>
public static class WeightsHeader
{
    public sealed record Entry(string Name, int ElementType, long[] Shape, long Values);

    /// <summary>The tensors of <paramref name="weights"/>; a malformed block is an <see cref="InvalidDataException"/> saying where.</summary>
    public static IReadOnlyList<Entry> Read(ReadOnlySpan<byte> weights)
    {
        int offset = 0;
        long count = Leb128(weights, ref offset, "the tensor count");
        // Every entry takes at least 4 bytes, so a count beyond that is a corrupt block, not a reason to allocate.
        if (count > weights.Length / 4) throw new InvalidDataException($"it claims {count:N0} tensors in {weights.Length:N0} bytes");
        var entries = new List<Entry>((int)count);
        for (long i = 0; i < count; i++)
        {
            long nameLength = Leb128(weights, ref offset, $"the name of tensor {i}");
            if (nameLength > weights.Length - offset) throw new InvalidDataException($"tensor {i}'s name runs past the end");
            string name = System.Text.Encoding.UTF8.GetString(weights.Slice(offset, (int)nameLength));
            offset += (int)nameLength;
            int type = (int)Leb128(weights, ref offset, $"the element type of '{name}'");
            int size = ElementSize(type) ?? throw new InvalidDataException($"'{name}' has unknown element type {type}");
            long rank = Leb128(weights, ref offset, $"the rank of '{name}'");
            if (rank > 8) throw new InvalidDataException($"'{name}' has rank {rank}");
            var shape = new long[rank];
            long values = 1;
            for (int d = 0; d < rank; d++)
            {
                shape[d] = Leb128(weights, ref offset, $"the shape of '{name}'");
                if (shape[d] > weights.Length) throw new InvalidDataException($"'{name}' has a dimension of {shape[d]:N0}, more than the block's bytes");
                values *= shape[d];
                if (values > weights.Length) throw new InvalidDataException($"'{name}' has more values than the block has bytes");
            }
            long bytes = values * size;
            if (bytes > weights.Length - offset) throw new InvalidDataException($"'{name}' needs {bytes:N0} bytes, {weights.Length - offset:N0} remain");
            offset += (int)bytes;
            entries.Add(new Entry(name, type, shape, values));
        }
        if (offset != weights.Length) throw new InvalidDataException($"{weights.Length - offset:N0} bytes follow the last tensor");
        return entries;
    }

    // TorchSharp's ScalarType codes: uint8, int8, int16, int32, int64, float16, float32, float64, bool, bfloat16.
    static int? ElementSize(int type) => type switch
    {
        0 or 1 or 11 => 1,
        2 or 5 or 15 => 2,
        3 or 6 => 4,
        4 or 7 => 8,
        _ => null,
    };

    static long Leb128(ReadOnlySpan<byte> bytes, ref int offset, string what)
    {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            if (offset >= bytes.Length) throw new InvalidDataException($"it ends inside {what}");
            byte b = bytes[offset++];
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException($"{what} is not a valid number");
    }
}
