using System.Buffers.Binary;
using System.IO.Compression;

namespace FlowLive.Data;

/// <summary>The header of an IDX file: element type and dimensions, as read without the data.</summary>
public sealed record IdxHeader(IdxType Type, IReadOnlyList<int> Dims, bool Gzip)
{
    public int Count => Dims[0];
    public override string ToString() => $"{Type} [{string.Join(", ", Dims)}]{(Gzip ? " (gzip)" : "")}";
}

/// <summary>
/// Reads IDX files, the container of the MNIST distribution (LeCun, Cortes and Burges, "THE MNIST DATABASE of
/// handwritten digits", section "FILE FORMATS FOR THE MNIST DATABASE").
///
/// Layout: 0x00 0x00 | type byte | dimension count n | n big-endian uint32 sizes | elements, row-major.
/// A file is read as gzip when it starts with the gzip magic 1F 8B, whatever its name, so renamed or
/// already-decompressed downloads both work. Only unsigned bytes (type 0x08) are read; any other problem throws a
/// <see cref="DataFileException"/> naming the file and the problem.
/// </summary>
public static class IdxReader
{
    const int FixedHeaderLength = 4;

    public static IdxArray Read(string path)
    {
        byte[] raw = File.ReadAllBytes(path);
        bool gzip = IsGzip(raw);
        byte[] bytes = gzip ? Gunzip(path, raw) : raw;
        var header = ParseHeader(path, bytes, gzip, out int headerLength);
        long expected = DataLength(path, header.Dims);
        long found = bytes.LongLength - headerLength;
        string after = gzip ? " (after gzip decompression)" : "";
        if (found < expected)
            throw new DataFileException(path, $"truncated data: dimensions {Format(header.Dims)} need {expected} bytes of data, " +
                                              $"found {found}{after}{(gzip && !GzipTrailerMatches(raw, bytes.LongLength) ? CutShort : "")}");
        if (found > expected)
            throw new DataFileException(path, $"{found - expected} trailing bytes after the {expected} bytes of data " +
                                              $"that dimensions {Format(header.Dims)} describe{after}");
        return new IdxArray(header.Dims, bytes.AsSpan(headerLength).ToArray());
    }

    const string CutShort = "; the gzip stream is incomplete too (its trailer does not record that size), so the file was probably cut short";

    /// <summary>
    /// Whether the gzip trailer (ISIZE, the uncompressed length mod 2^32, in the last 4 bytes) matches: .NET's
    /// decompressor stops quietly at the end of a truncated stream, so this tells a cut download from a short array.
    /// </summary>
    static bool GzipTrailerMatches(byte[] raw, long decompressedLength) =>
        raw.Length >= 18 && BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4)) == (uint)decompressedLength;

    /// <summary>Reads only the header (cheap even for large gzip files: only the first bytes are decompressed).</summary>
    public static IdxHeader ReadHeader(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> start = stackalloc byte[2];
        bool gzip = file.ReadAtLeast(start, 2, throwOnEndOfStream: false) == 2 && IsGzip(start);
        file.Position = 0;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        var bytes = new byte[FixedHeaderLength + 4 * byte.MaxValue];
        int length;
        try
        {
            length = stream.ReadAtLeast(bytes.AsSpan(0, FixedHeaderLength), FixedHeaderLength, throwOnEndOfStream: false);
            if (length == FixedHeaderLength)
                length += stream.ReadAtLeast(bytes.AsSpan(FixedHeaderLength, 4 * bytes[3]), 4 * bytes[3], throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(path, $"corrupt gzip stream: {e.Message}", e);
        }
        return ParseHeader(path, bytes.AsSpan(0, length), gzip, out _);
    }

    /// <summary>
    /// A cheap completeness check, reading only the header and the file's end: a plain file must be exactly as long as
    /// its header says, a gzip file's trailer must record that length. False for anything unreadable. Lets a directory
    /// prefer a complete ".gz" over a truncated plain file of the same array (or the reverse).
    /// </summary>
    public static bool IsComplete(string path)
    {
        try
        {
            var header = ReadHeader(path);
            long expected = FixedHeaderLength + 4L * header.Dims.Count + DataLength(path, header.Dims);
            using var file = File.OpenRead(path);
            if (!header.Gzip) return file.Length == expected;
            if (file.Length < 18) return false;
            Span<byte> trailer = stackalloc byte[4];
            file.Position = file.Length - 4;
            file.ReadExactly(trailer);
            return BinaryPrimitives.ReadUInt32LittleEndian(trailer) == (uint)expected;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static bool IsGzip(ReadOnlySpan<byte> start) => start.Length >= 2 && start[0] == 0x1F && start[1] == 0x8B;

    static byte[] Gunzip(string path, byte[] raw)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream(capacity: raw.Length * 4);
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(path, $"corrupt or truncated gzip stream: {e.Message}", e);
        }
    }

    static IdxHeader ParseHeader(string path, ReadOnlySpan<byte> bytes, bool gzip, out int headerLength)
    {
        string after = gzip ? " (after gzip decompression)" : "";
        if (bytes.Length < FixedHeaderLength)
            throw new DataFileException(path, $"truncated header: {bytes.Length} bytes{after}, an IDX header needs at least " +
                                              $"{FixedHeaderLength} (00 00, type, dimension count)");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new DataFileException(path, $"bad magic: starts with {Convert.ToHexString(bytes[..4])}{after}, " +
                                              "an IDX file starts with 0000 then its type and dimension count");
        var type = (IdxType)bytes[2];
        if (!Enum.IsDefined(type))
            throw new DataFileException(path, $"unknown element type 0x{bytes[2]:X2}; IDX types are 0x08 (unsigned byte), " +
                                              "0x09, 0x0B, 0x0C, 0x0D and 0x0E");
        if (type != IdxType.UnsignedByte)
            throw new DataFileException(path, $"unsupported element type 0x{bytes[2]:X2} ({type}); FlowLive reads only " +
                                              "0x08 (unsigned byte)");
        int rank = bytes[3];
        if (rank == 0)
            throw new DataFileException(path, "the header declares 0 dimensions; an IDX array needs at least one");
        headerLength = FixedHeaderLength + 4 * rank;
        if (bytes.Length < headerLength)
            throw new DataFileException(path, $"truncated header: {rank} dimensions need {headerLength} header bytes, " +
                                              $"the file has {bytes.Length}{after}");
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(FixedHeaderLength + 4 * i, 4));
            if (size > int.MaxValue)
                throw new DataFileException(path, $"dimension {i} has size {size}, more than FlowLive can hold");
            dims[i] = (int)size;
        }
        return new IdxHeader(type, dims, gzip);
    }

    static long DataLength(string path, IReadOnlyList<int> dims)
    {
        long size = 1;
        foreach (int d in dims)
        {
            // Checked before multiplying so the product can neither overflow nor exceed one array.
            if (d != 0 && size > Array.MaxLength / d)
                throw new DataFileException(path, $"dimensions {Format(dims)} describe more bytes than one array can hold");
            size *= d;
        }
        return size;
    }

    internal static string Format(IReadOnlyList<int> dims) => $"[{string.Join(", ", dims)}]";
}
