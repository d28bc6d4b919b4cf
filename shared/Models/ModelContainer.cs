using System.Security.Cryptography;
using System.Text;
using FlowLive.Flows;

namespace FlowLive.Models;

/// <summary>
/// The file layout shared by ".flow" models (<see cref="ModelFile"/>) and ".vae" VAEs (Vae.VaeFile): a spec block and
/// a weights block behind a kind's magic and format version, checked by SHA-256.
///
/// Layout (little-endian): magic | uint32 format version | int64 n | n bytes of spec JSON (UTF-8) |
/// int64 m | m bytes of TorchSharp weights | 32 bytes SHA-256 of everything before.
/// Writes go to a temporary file beside the target and are renamed over it (<see cref="AtomicFile"/>), so readers never
/// see half a file. Every problem reading one is a <see cref="ModelFileException"/> naming the file; what the spec
/// bytes mean is left to the caller.
/// </summary>
public static class ModelContainer
{
    const int HashLength = 32;

    /// <summary>Writes <paramref name="specBytes"/> and <paramref name="weights"/> in <paramref name="format"/>, atomically.</summary>
    public static void Write(string path, ContainerFormat format, ReadOnlySpan<byte> specBytes, ReadOnlySpan<byte> weights)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(format.MagicBytes);
            writer.Write(format.Version);
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
    /// The spec and weights blocks of a file in <paramref name="format"/>, after checking its magic, its version, both
    /// block lengths, that nothing follows the checksum, and the checksum itself.
    /// </summary>
    public static (byte[] Spec, byte[] Weights) Read(string path, ContainerFormat format) => Read(path, ReadFile(path, format), format);

    /// <summary>
    /// As <see cref="Read(string, ContainerFormat)"/>, from the file's bytes already read with <see cref="ReadFile"/>
    /// (for a caller that also hashes them: one read, and the hash is that of the blocks returned).
    /// </summary>
    public static (byte[] Spec, byte[] Weights) Read(string path, byte[] bytes, ContainerFormat format)
    {
        byte[] magic = format.MagicBytes;

        int headerLength = magic.Length + sizeof(uint);
        if (bytes.Length < magic.Length || !bytes.AsSpan(0, magic.Length).SequenceEqual(magic))
            throw new ModelFileException(path, $"not a FlowLive {format.Noun} (it does not start with \"{format.Magic}\")");
        if (bytes.Length < headerLength)
            throw new ModelFileException(path, "truncated inside its header");
        uint version = BitConverter.ToUInt32(bytes, magic.Length);
        if (version != format.Version)
            throw new ModelFileException(path, $"format version {version} is unknown (this FlowLive reads {format.VersionWording} {format.Version})");

        int offset = headerLength;
        byte[] specBytes = ReadBlock(path, bytes, ref offset, "spec");
        byte[] weights = ReadBlock(path, bytes, ref offset, "weights");
        if (bytes.Length - offset < HashLength)
            throw new ModelFileException(path, $"truncated: the checksum needs {HashLength} bytes, {bytes.Length - offset} remain");
        if (bytes.Length - offset > HashLength)
            throw new ModelFileException(path, $"{bytes.Length - offset - HashLength} unexpected bytes after the checksum");
        if (!SHA256.HashData(bytes.AsSpan(0, offset)).AsSpan().SequenceEqual(bytes.AsSpan(offset, HashLength)))
            throw new ModelFileException(path, "checksum mismatch: the file is corrupt");
        return (specBytes, weights);
    }

    /// <summary>
    /// The whole file (the final target when <paramref name="path"/> is a link), refusing before it opens anything that
    /// is not a regular file of a model's size: a directory, a missing file or a dangling link, a link that cannot be
    /// followed, a file over <see cref="SpecLimits.MaxModelFileBytes"/>, and anything of size 0. A pipe blocks whoever
    /// opens it until a writer comes and a device never ends; both report a size of 0, as an empty file (no
    /// <paramref name="format"/> file either) does.
    /// </summary>
    public static byte[] ReadFile(string path, ContainerFormat format)
    {
        try
        {
            if (Directory.Exists(path)) throw new ModelFileException(path, "is a directory, not a model file");
            var info = Target(path);
            if (!info.Exists)
                throw new ModelFileException(path, info.FullName == Path.GetFullPath(path) ? "no such file" : "no such file (a dangling link)");
            if (info.Length == 0)
                throw new ModelFileException(path, $"is empty or not a regular file (a pipe or a device?), so not a FlowLive {format.Noun}");
            if (info.Length > SpecLimits.MaxModelFileBytes)
                throw new ModelFileException(path, $"{info.Length:N0} bytes is larger than any FlowLive model ({SpecLimits.MaxModelFileBytes:N0} at most)");
            using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            // Read no more than the size the file system reports: one byte past it means the file grew meanwhile or is
            // a device that reports a size and never ends.
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

    /// <summary>
    /// The file a path names: the path itself, or the final target of a link (on Unix a link's own size is that of the
    /// path it holds, and its own time is not the target's, so neither says anything about the model).
    /// </summary>
    public static FileInfo Target(string path)
    {
        var info = new FileInfo(path);
        try { return info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info; }
        catch (IOException e) { throw new ModelFileException(path, $"is a link that cannot be followed: {e.Message}", e); }
    }

    /// <summary>An int64 length and that many bytes at <paramref name="offset"/>, which moves past them.</summary>
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
}
