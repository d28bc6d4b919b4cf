namespace FlowLive.Data;

/// <summary>IDX element types (the byte after the two zero magic bytes). FlowLive reads only <see cref="UnsignedByte"/>.</summary>
public enum IdxType : byte
{
    UnsignedByte = 0x08,
    SignedByte = 0x09,
    Int16 = 0x0B,
    Int32 = 0x0C,
    Float32 = 0x0D,
    Float64 = 0x0E,
}

/// <summary>
/// An unsigned-byte IDX array: its dimensions (outermost first, as in the file) and its elements in row-major order.
/// </summary>
public sealed class IdxArray
{
    readonly int[] dims;

    public IdxArray(IReadOnlyList<int> dims, byte[] data)
    {
        if (dims.Count is 0 or > byte.MaxValue)
            throw new ArgumentException($"IdxArray: needs 1 to 255 dimensions, got {dims.Count}");
        if (dims.Any(d => d < 0))
            throw new ArgumentException($"IdxArray: dimensions must not be negative, got [{string.Join(", ", dims)}]");
        long size = ElementCount(dims);
        if (size != data.LongLength)
            throw new ArgumentException($"IdxArray: dimensions [{string.Join(", ", dims)}] hold {size} elements, data has {data.LongLength}");
        this.dims = [.. dims];
        Data = data;
    }

    public IReadOnlyList<int> Dims => dims;
    public byte[] Data { get; }
    /// <summary>The outermost dimension: the number of items (images, labels).</summary>
    public int Count => dims[0];
    /// <summary>Elements per item: the product of all dimensions but the first.</summary>
    public long ItemSize => ElementCount(dims.AsSpan(1).ToArray());

    public override string ToString() => $"IdxArray [{string.Join(", ", dims)}]";

    internal static long ElementCount(IReadOnlyList<int> dims)
    {
        long size = 1;
        foreach (int d in dims) size = checked(size * d);
        return size;
    }
}
