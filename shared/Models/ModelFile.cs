using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlowLive.Flows;
using static TorchSharp.torch;

namespace FlowLive.Models;

/// <summary>
/// A trained flow on disk (".flow"): spec and weights in one file, checked by SHA-256.
///
/// Layout (little-endian): "FLOWLIVE" | uint32 format version | int64 n | n bytes of spec JSON (UTF-8) |
/// int64 m | m bytes of TorchSharp weights | 32 bytes SHA-256 of everything before.
/// Writes go to a temporary file beside the target and are renamed over it, so readers never see half a model.
/// </summary>
public static class ModelFile
{
    public const string Extension = ".flow";
    public const uint FormatVersion = 1;
    static readonly byte[] Magic = "FLOWLIVE"u8.ToArray();
    const int HashLength = 32;

    /// <summary>Writes <paramref name="flow"/>'s weights with <paramref name="spec"/>, atomically.</summary>
    public static void Save(string path, ModelSpec spec, Flow flow)
    {
        var dtype = flow.Module.parameters().Concat(flow.Module.buffers()).Where(t => t.is_floating_point()).Select(t => t.dtype).FirstOrDefault(ScalarType.Float32);
        spec = spec with { Flow = flow.Spec, DataShape = flow.DataShape, Dtype = DtypeName(dtype) };
        byte[] specBytes = Encoding.UTF8.GetBytes(SpecJson.Serialize(spec));
        byte[] weights = WeightsOf(flow);

        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write((long)specBytes.Length);
            writer.Write(specBytes);
            writer.Write((long)weights.Length);
            writer.Write(weights);
        }
        byte[] hash = SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length));
        body.Write(hash);
        AtomicFile.Write(path, body.GetBuffer().AsSpan(0, (int)body.Length));
    }

    /// <summary>
    /// Reads only the spec (cheap: no weights are built, no tensor is allocated), after checking the whole file: its
    /// checksum, every spec field against <see cref="SpecLimits"/>, and the spec against the tensor shapes it stores.
    /// </summary>
    public static ModelSpec ReadSpec(string path) => Parse(path).Spec;

    /// <summary>The spec and the stored tensors' names and shapes, checked as <see cref="ReadSpec"/> does; builds nothing.</summary>
    public static (ModelSpec Spec, IReadOnlyList<WeightsHeader.Entry> Tensors) ReadContents(string path)
    {
        var (spec, _, tensors) = Parse(path);
        return (spec, tensors);
    }

    /// <summary>Reads a model and builds its flow with the saved weights, on the CPU in the saved dtype.</summary>
    public static LoadedModel Load(string path)
    {
        var (spec, weights, _) = Parse(path);
        Flow flow;
        try
        {
            flow = spec.Flow.Build();
        }
        catch (Exception e)
        {
            throw new ModelFileException(path, $"its flow spec cannot be built: {e.Message}", e);
        }
        if (spec.DataShape is { } expected && expected != flow.DataShape)
        {
            flow.Dispose();
            throw new ModelFileException(path, $"its data shape {expected} does not match its layers, which produce {flow.DataShape}");
        }
        try
        {
            flow.To(CPU, ParseDtype(path, spec.Dtype));
            using var reader = new BinaryReader(new MemoryStream(weights));
            flow.Module.load(reader, strict: true);
            flow.Train(false);
            return new LoadedModel(path, spec, flow);
        }
        catch (Exception e) when (e is not ModelFileException)
        {
            flow.Dispose();
            throw new ModelFileException(path, $"its weights do not fit its spec: {e.Message}", e);
        }
    }

    static (ModelSpec Spec, byte[] Weights, IReadOnlyList<WeightsHeader.Entry> Tensors) Parse(string path)
    {
        byte[] bytes = ReadBounded(path);

        int headerLength = Magic.Length + sizeof(uint);
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new ModelFileException(path, "not a FlowLive model (it does not start with \"FLOWLIVE\")");
        if (bytes.Length < headerLength)
            throw new ModelFileException(path, "truncated inside its header");
        uint version = BitConverter.ToUInt32(bytes, Magic.Length);
        if (version != FormatVersion)
            throw new ModelFileException(path, $"format version {version} is unknown (this FlowLive reads version {FormatVersion})");

        int offset = headerLength;
        byte[] specBytes = ReadBlock(path, bytes, ref offset, "spec");
        byte[] weights = ReadBlock(path, bytes, ref offset, "weights");
        if (bytes.Length - offset < HashLength)
            throw new ModelFileException(path, $"truncated: the checksum needs {HashLength} bytes, {bytes.Length - offset} remain");
        if (bytes.Length - offset > HashLength)
            throw new ModelFileException(path, $"{bytes.Length - offset - HashLength} unexpected bytes after the checksum");
        if (!SHA256.HashData(bytes.AsSpan(0, offset)).AsSpan().SequenceEqual(bytes.AsSpan(offset, HashLength)))
            throw new ModelFileException(path, "checksum mismatch: the file is corrupt");

        var spec = DeserializeSpec(path, specBytes);
        return (spec, weights, CheckAgainstWeights(path, spec, weights));
    }

    /// <summary>The file's bytes, refusing directories, devices, pipes and files over <see cref="SpecLimits.MaxModelFileBytes"/> before reading.</summary>
    static byte[] ReadBounded(string path)
    {
        try
        {
            if (Directory.Exists(path)) throw new ModelFileException(path, "is a directory, not a model file");
            var info = new FileInfo(path);
            if (!info.Exists) throw new ModelFileException(path, "no such file");
            if (info.Length > SpecLimits.MaxModelFileBytes)
                throw new ModelFileException(path, $"{info.Length:N0} bytes is larger than any FlowLive model ({SpecLimits.MaxModelFileBytes:N0} at most)");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            // Read no more than the size the file system reports: a device or a pipe reports 0 (or anything) and then
            // never ends, so one byte past that size means it is not a regular file.
            var bytes = new byte[info.Length];
            stream.ReadExactly(bytes);
            if (stream.ReadByte() >= 0)
                throw new ModelFileException(path, "is not a regular file (a device or a pipe?): model files are regular files");
            return bytes;
        }
        catch (EndOfStreamException) { throw new ModelFileException(path, "changed while it was being read"); }
        catch (FileNotFoundException) { throw new ModelFileException(path, "no such file"); }
        catch (DirectoryNotFoundException) { throw new ModelFileException(path, "no such file"); }
        catch (IOException e) { throw new ModelFileException(path, $"cannot be read: {e.Message}", e); }
        catch (UnauthorizedAccessException e) { throw new ModelFileException(path, $"cannot be read: {e.Message}", e); }
    }

    /// <summary>The spec, or a <see cref="ModelFileException"/> naming the field for any malformed one (nulls, wrong kinds, bad sizes).</summary>
    static ModelSpec DeserializeSpec(string path, byte[] specBytes)
    {
        ModelSpec spec;
        try
        {
            spec = SpecJson.Deserialize<ModelSpec>(Encoding.UTF8.GetString(specBytes));
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException
                                       or FormatException or OverflowException)
        {
            throw new ModelFileException(path, $"its spec is not valid: {SpecJson.Describe(e)}", e);
        }
        if (SpecCheck.FirstProblem(spec) is { } problem)
            throw new ModelFileException(path, $"its spec is not valid: {problem}");
        if (spec.Dtype is not ("float32" or "float64"))
            throw new ModelFileException(path, $"its spec is not valid: spec.dtype: '{spec.Dtype}' is unknown (float32 or float64)");
        return spec;
    }

    /// <summary>
    /// Refuses a spec that implies more weights than the file stores (read from the weights block's header, no tensor
    /// built), so a small file cannot ask for a huge flow.
    /// </summary>
    static IReadOnlyList<WeightsHeader.Entry> CheckAgainstWeights(string path, ModelSpec spec, byte[] weights)
    {
        IReadOnlyList<WeightsHeader.Entry> stored;
        try { stored = WeightsHeader.Read(weights); }
        catch (InvalidDataException e) { throw new ModelFileException(path, $"its weights block is malformed: {e.Message}", e); }
        long storedValues = stored.Sum(t => t.Values);
        var parts = SpecCheck.MinimumWeightsByPart(spec.Flow);
        long needed = parts.Sum(p => p.Weights);
        if (needed > storedValues)
        {
            var largest = parts.MaxBy(p => p.Weights);
            throw new ModelFileException(path,
                $"its spec is not valid: it implies at least {needed:N0} weights ({largest.Weights:N0} of them for {largest.Field}), " +
                $"but the file stores {storedValues:N0} in {stored.Count} tensors");
        }
        return stored;
    }

    static byte[] ReadBlock(string path, byte[] bytes, ref int offset, string what)
    {
        if (bytes.Length - offset < sizeof(long))
            throw new ModelFileException(path, $"truncated before the length of its {what}");
        long length = BitConverter.ToInt64(bytes, offset);
        offset += sizeof(long);
        if (length < 0 || length > bytes.Length - offset)
            throw new ModelFileException(path, $"truncated: its {what} should have {length} bytes, {bytes.Length - offset} remain");
        byte[] block = bytes.AsSpan(offset, (int)length).ToArray();
        offset += (int)length;
        return block;
    }

    static byte[] WeightsOf(Flow flow)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            flow.Module.save(writer);
        return stream.ToArray();
    }

    static string DtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "float64",
        ScalarType.Float32 => "float32",
        _ => throw new NotSupportedException($"weights of type {dtype} cannot be saved; use float32 or float64"),
    };

    static ScalarType ParseDtype(string path, string name) => name switch
    {
        "float64" => ScalarType.Float64,
        "float32" => ScalarType.Float32,
        _ => throw new ModelFileException(path, $"dtype '{name}' is unknown (float32 or float64)"),
    };
}
