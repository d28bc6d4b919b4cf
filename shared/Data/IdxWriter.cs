using System.Buffers.Binary;
using System.IO.Compression;
using FlowLive.Models;

namespace FlowLive.Data;

/// <summary>
/// Writes unsigned-byte IDX files (the layout is described on <see cref="IdxReader"/>), plain or gzip-compressed,
/// atomically: the bytes go to a temporary file beside the target, which is then renamed over it.
/// </summary>
public static class IdxWriter
{
    /// <summary>Writes <paramref name="array"/>; gzip-compressed when <paramref name="gzip"/> says so or, by default, when the name ends in ".gz".</summary>
    public static void Write(string path, IdxArray array, bool? gzip = null)
    {
        byte[] plain = Encode(array);
        bool compress = gzip ?? path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        AtomicFile.Write(path, compress ? Gzip(plain) : plain);
    }

    /// <summary>The uncompressed file contents: header then data.</summary>
    public static byte[] Encode(IdxArray array)
    {
        int headerLength = 4 + 4 * array.Dims.Count;
        var bytes = new byte[headerLength + array.Data.LongLength];
        bytes[2] = (byte)IdxType.UnsignedByte;
        bytes[3] = (byte)array.Dims.Count;
        for (int i = 0; i < array.Dims.Count; i++)
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * i, 4), (uint)array.Dims[i]);
        array.Data.CopyTo(bytes, headerLength);
        return bytes;
    }

    public static byte[] Gzip(ReadOnlySpan<byte> plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(plain);
        return output.ToArray();
    }
}
