using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlowLive.Models;

namespace FlowLive.Training;

/// <summary>
/// Everything a run needs to continue exactly: the loop's counters and history (JSON) and named binary blobs (model
/// weights and optimizer state now, at the last good step and at the best validation). Batches and noise are
/// functions of the seed and step (<see cref="RunSeeds"/>), so nothing about random state is stored.
///
/// Layout (little-endian): "FLCHECK1" | int32 n | n bytes JSON | int32 blob count | per blob: int32 name length,
/// name (UTF-8), int64 length, bytes | 32 bytes SHA-256 of everything before. Written atomically.
/// </summary>
public sealed class Checkpoint
{
    public const string Extension = ".ckpt";
    static readonly byte[] Magic = "FLCHECK1"u8.ToArray();
    const long MaxBytes = int.MaxValue;
    static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    public required LoopState State { get; init; }
    public required IReadOnlyDictionary<string, byte[]> Blobs { get; init; }

    public void Save(string path)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(State, Json);
            writer.Write(json.Length);
            writer.Write(json);
            writer.Write(Blobs.Count);
            foreach (var (name, bytes) in Blobs)
            {
                byte[] nameBytes = Encoding.UTF8.GetBytes(name);
                writer.Write(nameBytes.Length);
                writer.Write(nameBytes);
                writer.Write((long)bytes.Length);
                writer.Write(bytes);
            }
        }
        body.Write(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)));
        AtomicFile.Write(path, body.GetBuffer().AsSpan(0, (int)body.Length));
    }

    public static Checkpoint Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new CheckpointException(path, "no such file");
        if (info.Length > MaxBytes) throw new CheckpointException(path, $"{info.Length:N0} bytes is more than any checkpoint FlowLive writes");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CheckpointException(path, $"cannot be read: {e.Message}", e); }
        if (bytes.Length < Magic.Length + 4 + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CheckpointException(path, "not a FlowLive checkpoint");
        int end = bytes.Length - 32;
        if (!SHA256.HashData(bytes.AsSpan(0, end)).AsSpan().SequenceEqual(bytes.AsSpan(end)))
            throw new CheckpointException(path, "checksum mismatch: the file is corrupt or truncated");
        try
        {
            int offset = Magic.Length;
            var json = Take(bytes, ref offset, ReadInt32(bytes, ref offset, end), end);
            var state = JsonSerializer.Deserialize<LoopState>(json, Json) ?? throw new JsonException("empty state");
            int count = ReadInt32(bytes, ref offset, end);
            var blobs = new Dictionary<string, byte[]>();
            for (int i = 0; i < count; i++)
            {
                string name = Encoding.UTF8.GetString(Take(bytes, ref offset, ReadInt32(bytes, ref offset, end), end));
                if (offset + 8 > end) throw new InvalidDataException("truncated blob length");
                long length = BitConverter.ToInt64(bytes, offset);
                offset += 8;
                if (length < 0 || length > end - offset) throw new InvalidDataException($"blob '{name}' runs past the end");
                blobs[name] = Take(bytes, ref offset, (int)length, end).ToArray();
            }
            if (offset != end) throw new InvalidDataException($"{end - offset} unexpected bytes before the checksum");
            return new Checkpoint { State = state, Blobs = blobs };
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or ArgumentException)
        {
            throw new CheckpointException(path, $"its contents are malformed: {e.Message}", e);
        }
    }

    static int ReadInt32(byte[] bytes, ref int offset, int end)
    {
        if (offset + 4 > end) throw new InvalidDataException("truncated length");
        int value = BitConverter.ToInt32(bytes, offset);
        offset += 4;
        return value;
    }

    static ReadOnlySpan<byte> Take(byte[] bytes, ref int offset, int length, int end)
    {
        if (length < 0 || length > end - offset) throw new InvalidDataException("a block runs past the end");
        var span = bytes.AsSpan(offset, length);
        offset += length;
        return span;
    }
}

/// <summary>The training loop's counters: with the blobs of a <see cref="Checkpoint"/>, all a run needs to go on.</summary>
public sealed record LoopState
{
    /// <summary>Identifies the model and options the checkpoint belongs to; a resume with others is refused.</summary>
    public required string Fingerprint { get; init; }
    public int Step { get; set; }
    public double LearningRateScale { get; set; } = 1;
    public int Recoveries { get; set; }
    public double? BestValidation { get; set; }
    public int BestStep { get; set; }
    public int ValidationsWithoutImprovement { get; set; }
    public int LastGoodStep { get; set; }
    public double WindowSum { get; set; }
    public int WindowCount { get; set; }
    public double LastTrainLoss { get; set; } = double.NaN;
    public bool StoppedEarly { get; set; }
    public double SecondsBefore { get; set; }
    public List<TrainingReport> History { get; init; } = [];
}
