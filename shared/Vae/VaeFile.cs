using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlowLive.Flows;
using FlowLive.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Vae;

/// <summary>
/// A trained VAE on disk (".vae"), in the layout of <see cref="ModelFile"/> with its own magic, so neither kind of
/// file can be mistaken for the other. Little-endian: "FLOWLVAE" | uint32 format version | int64 n | n bytes of
/// <see cref="VaeModelSpec"/> JSON (UTF-8, <see cref="SpecJson"/> options, so the prior's flow spec is written as in
/// model files) | int64 m | m bytes of TorchSharp weights (Module.save) | 32 bytes SHA-256 of everything before.
/// Writes are atomic (<see cref="AtomicFile"/>); every problem reading a file is a <see cref="ModelFileException"/> naming it.
/// </summary>
public static class VaeFile
{
    public const string Extension = ".vae";
    public const uint FormatVersion = 1;
    static readonly byte[] Magic = "FLOWLVAE"u8.ToArray();
    const int HashLength = 32;

    /// <summary>Writes <paramref name="vae"/>'s weights with <paramref name="spec"/> (its VAE spec and dtype taken from the model), atomically.</summary>
    public static void Save(string path, VaeModelSpec spec, BernoulliVae vae)
    {
        var dtype = vae.Module.parameters().Concat(vae.Module.buffers()).Where(t => t.is_floating_point())
            .Select(t => t.dtype).FirstOrDefault(ScalarType.Float32);
        spec = spec with { Vae = vae.Spec, Dtype = DtypeName(dtype) };
        byte[] specBytes = Encoding.UTF8.GetBytes(SpecJson.Serialize(spec));
        byte[] weights;
        using (var stream = new MemoryStream())
        {
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                vae.Module.save(writer);
            weights = stream.ToArray();
        }

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

    /// <summary>Reads only the spec, after checking the whole file.</summary>
    public static VaeModelSpec ReadSpec(string path) => Parse(path).Spec;

    /// <summary>Reads a VAE with its saved weights, on the CPU in the saved dtype, in evaluation mode.</summary>
    public static LoadedVae Load(string path)
    {
        var (spec, weights) = Parse(path);
        BernoulliVae vae;
        try
        {
            // The initial weights are overwritten below; a fixed generator keeps loading free of global state.
            using var generator = new Generator(0);
            vae = BernoulliVae.Create(spec.Vae, generator);
        }
        catch (Exception e) when (e is FlowShapeException or ArgumentException or InvalidOperationException)
        {
            throw new ModelFileException(path, $"its VAE spec cannot be built: {e.Message}", e);
        }
        try
        {
            vae.Module.to(ParseDtype(path, spec.Dtype));
            using var reader = new BinaryReader(new MemoryStream(weights));
            vae.Module.load(reader, strict: true);
            vae.Train(false);
            return new LoadedVae(path, spec, vae);
        }
        catch (Exception e)
        {
            vae.Dispose();
            if (e is ModelFileException) throw;
            throw new ModelFileException(path, $"its weights do not fit its spec: {e.Message}", e);
        }
    }

    static (VaeModelSpec Spec, byte[] Weights) Parse(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new ModelFileException(path, "no such file"); }
        catch (DirectoryNotFoundException) { throw new ModelFileException(path, "no such file"); }
        catch (IOException e) { throw new ModelFileException(path, $"cannot be read: {e.Message}", e); }
        catch (UnauthorizedAccessException e) { throw new ModelFileException(path, $"cannot be read: {e.Message}", e); }

        int headerLength = Magic.Length + sizeof(uint);
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new ModelFileException(path, "not a FlowLive VAE (it does not start with \"FLOWLVAE\")");
        if (bytes.Length < headerLength)
            throw new ModelFileException(path, "truncated inside its header");
        uint version = BitConverter.ToUInt32(bytes, Magic.Length);
        if (version != FormatVersion)
            throw new ModelFileException(path, $"format version {version} is unknown (this FlowLive reads VAE files of version {FormatVersion})");

        int offset = headerLength;
        byte[] specBytes = ReadBlock(path, bytes, ref offset, "spec");
        byte[] weights = ReadBlock(path, bytes, ref offset, "weights");
        if (bytes.Length - offset < HashLength)
            throw new ModelFileException(path, $"truncated: the checksum needs {HashLength} bytes, {bytes.Length - offset} remain");
        if (bytes.Length - offset > HashLength)
            throw new ModelFileException(path, $"{bytes.Length - offset - HashLength} unexpected bytes after the checksum");
        if (!SHA256.HashData(bytes.AsSpan(0, offset)).AsSpan().SequenceEqual(bytes.AsSpan(offset, HashLength)))
            throw new ModelFileException(path, "checksum mismatch: the file is corrupt");

        try
        {
            return (SpecJson.Deserialize<VaeModelSpec>(Encoding.UTF8.GetString(specBytes)), weights);
        }
        catch (JsonException e)
        {
            throw new ModelFileException(path, $"its spec is not valid: {e.Message}", e);
        }
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
