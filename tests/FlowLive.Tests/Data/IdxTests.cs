using FlowLive.Data;

namespace FlowLive.Tests.Data;

public sealed class IdxTests : IDisposable
{
    readonly TempDirectory temp = new();
    public void Dispose() => temp.Dispose();

    static IdxArray Sample(params int[] dims)
    {
        var data = new byte[dims.Aggregate(1, (a, d) => a * d)];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 37 + 11);
        return new IdxArray(dims, data);
    }

    static byte[] Header(byte type, params uint[] dims)
    {
        var bytes = new byte[4 + 4 * dims.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        return bytes;
    }

    [Theory]
    [InlineData("images-idx3-ubyte", new[] { 5, 28, 28 })]
    [InlineData("labels-idx1-ubyte", new[] { 7 })]
    [InlineData("images-idx3-ubyte.gz", new[] { 3, 4, 5 })]
    [InlineData("labels-idx1-ubyte.gz", new[] { 300 })]
    [InlineData("empty-idx3-ubyte", new[] { 0, 28, 28 })]
    public void Round_trips_plain_and_gzip(string name, int[] dims)
    {
        var array = Sample(dims);
        string path = temp.File(name);
        IdxWriter.Write(path, array);

        bool gzip = name.EndsWith(".gz");
        var start = File.ReadAllBytes(path).AsSpan(0, 2);
        Assert.Equal(gzip, IdxReader.IsGzip(start));
        var read = IdxReader.Read(path);
        Assert.Equal(dims, read.Dims);
        Assert.Equal(array.Data, read.Data);
        var header = IdxReader.ReadHeader(path);
        Assert.Equal(dims, header.Dims);
        Assert.Equal(IdxType.UnsignedByte, header.Type);
        Assert.Equal(gzip, header.Gzip);
    }

    [Fact]
    public void Detects_gzip_by_content_not_by_name()
    {
        var array = Sample(4, 3);
        string compressedWithoutSuffix = temp.File("labels-idx2-ubyte");
        string plainWithSuffix = temp.File("plain.gz");
        IdxWriter.Write(compressedWithoutSuffix, array, gzip: true);
        IdxWriter.Write(plainWithSuffix, array, gzip: false);

        Assert.True(IdxReader.ReadHeader(compressedWithoutSuffix).Gzip);
        Assert.False(IdxReader.ReadHeader(plainWithSuffix).Gzip);
        Assert.Equal(array.Data, IdxReader.Read(compressedWithoutSuffix).Data);
        Assert.Equal(array.Data, IdxReader.Read(plainWithSuffix).Data);
    }

    [Fact]
    public void Writes_the_standard_header_big_endian()
    {
        var bytes = IdxWriter.Encode(Sample(2, 258, 3));
        Assert.Equal(new byte[] { 0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 1, 2, 0, 0, 0, 3 }, bytes[..16]);
        Assert.Equal(16 + 2 * 258 * 3, bytes.Length);
    }

    [Fact]
    public void Writes_atomically_leaving_no_temporary_files()
    {
        string path = temp.File("a-idx1-ubyte.gz");
        IdxWriter.Write(path, Sample(10));
        IdxWriter.Write(path, Sample(12));
        Assert.Equal([12], IdxReader.Read(path).Dims);
        Assert.Equal(["a-idx1-ubyte.gz"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    public static TheoryData<string, byte[], string> CorruptFiles()
    {
        byte[] good = IdxWriter.Encode(Sample(3, 2, 2));
        return new()
        {
            { "empty", [], "truncated header: 0 bytes" },
            { "three bytes", [0, 0, 8], "truncated header: 3 bytes" },
            { "bad magic", [1, 0, 8, 1, 0, 0, 0, 1, 9], "bad magic: starts with 01000801" },
            { "not idx at all", "PK\u0003\u0004 zip"u8.ToArray(), "bad magic" },
            { "float32 type", [.. Header(0x0D, 1), 0, 0, 0, 0], "unsupported element type 0x0D (Float32)" },
            { "signed byte type", [.. Header(0x09, 1), 0], "unsupported element type 0x09" },
            { "unknown type", [.. Header(0x07, 1), 0], "unknown element type 0x07" },
            { "zero dimensions", Header(0x08), "0 dimensions" },
            { "truncated dimensions", good[..9], "truncated header: 3 dimensions need 16 header bytes, the file has 9" },
            { "truncated data", good[..^1], "truncated data: dimensions [3, 2, 2] need 12 bytes of data, found 11" },
            { "header only", good[..16], "truncated data: dimensions [3, 2, 2] need 12 bytes of data, found 0" },
            { "trailing bytes", [.. good, 1, 2], "2 trailing bytes after the 12 bytes of data that dimensions [3, 2, 2] describe" },
            { "dimension past int", Header(0x08, 0x80000000u), "dimension 0 has size 2147483648" },
            { "too many elements", Header(0x08, 100_000, 100_000, 100_000), "more bytes than one array can hold" },
            { "gzip of bad magic", IdxWriter.Gzip([7, 7, 8, 1, 0, 0, 0, 0]), "bad magic: starts with 07070801 (after gzip decompression)" },
            { "gzip of truncated data", IdxWriter.Gzip(good[..^3]), "truncated data: dimensions [3, 2, 2] need 12 bytes of data, found 9 (after gzip decompression)" },
            { "gzip of trailing bytes", IdxWriter.Gzip([.. good, 0]), "1 trailing bytes after the 12 bytes of data that dimensions [3, 2, 2] describe (after gzip decompression)" },
            { "corrupt gzip", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "gzip stream" },
        };
    }

    [Theory, MemberData(nameof(CorruptFiles))]
    public void Corrupt_files_give_a_message_naming_the_file_and_the_problem(string what, byte[] content, string problem)
    {
        string path = temp.File($"{what.Replace(' ', '-')}-idx-ubyte");
        File.WriteAllBytes(path, content);
        var e = Assert.Throws<DataFileException>(() => IdxReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(problem, e.Message);
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void Truncated_gzip_file_gives_a_message_naming_the_file()
    {
        var good = IdxWriter.Gzip(IdxWriter.Encode(Sample(50, 28, 28)));
        string path = temp.File("cut.gz");
        File.WriteAllBytes(path, good[..(good.Length / 2)]);
        var e = Assert.Throws<DataFileException>(() => IdxReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated data: dimensions [50, 28, 28] need 39200 bytes", e.Message);
        Assert.Contains("the file was probably cut short", e.Message);

        // A complete gzip stream of a short array is the array's fault, not the download's.
        File.WriteAllBytes(path, IdxWriter.Gzip(IdxWriter.Encode(Sample(50, 28, 28))[..^5]));
        e = Assert.Throws<DataFileException>(() => IdxReader.Read(path));
        Assert.Contains("found 39195 (after gzip decompression)", e.Message);
        Assert.DoesNotContain("cut short", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0 }, "truncated header")]
    [InlineData(new byte[] { 0, 0, 8, 3, 0, 0, 0, 1 }, "truncated header: 3 dimensions need 16 header bytes, the file has 8")]
    [InlineData(new byte[] { 0, 0, 0x0E, 1, 0, 0, 0, 1 }, "unsupported element type 0x0E")]
    [InlineData(new byte[] { 0x1F, 0x8C, 8, 1 }, "bad magic")]
    public void Header_only_reads_report_the_same_problems(byte[] content, string problem)
    {
        string path = temp.File("header-idx-ubyte");
        File.WriteAllBytes(path, content);
        var e = Assert.Throws<DataFileException>(() => IdxReader.ReadHeader(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        string path = temp.File("absent-idx1-ubyte");
        var e = Assert.Throws<FileNotFoundException>(() => IdxReader.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void IdxArray_rejects_data_that_does_not_match_its_dimensions()
    {
        var e = Assert.Throws<ArgumentException>(() => new IdxArray([2, 3], new byte[5]));
        Assert.Contains("[2, 3] hold 6 elements, data has 5", e.Message);
    }
}
