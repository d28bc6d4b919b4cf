using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FlowLive.Flows;
using FlowLive.Protos.V1;
using Google.Protobuf;
using DensityGrid = FlowLive.Imaging.DensityGrid;
using DensityGridMessage = FlowLive.Protos.V1.DensityGrid;
using ProtoTensor = FlowLive.Protos.V1.Tensor;

namespace FlowLive.Server.Wire;

/// <summary>A batch of float32 values as the server holds them between the wire and libtorch: count x per-sample shape.</summary>
public sealed record Batch(float[] Values, long Count, Shape SampleShape)
{
    public long[] FullShape => SampleShape.WithBatch(Count);
    public int SampleSize => (int)SampleShape.Size;

    /// <summary>Samples <paramref name="first"/> .. first + count - 1 as a batch of their own (copied).</summary>
    public Batch Slice(long first, long count) =>
        new(Values.AsSpan((int)(first * SampleSize), (int)(count * SampleSize)).ToArray(), count, SampleShape);
}

/// <summary>
/// The one conversion between the wire's <c>Tensor</c> (shape + little-endian float32 bytes) and the server's arrays
/// (density grids included), with every check a client's tensor needs before work starts: rank and per-sample shape, byte length, size caps,
/// finiteness. Problems are INVALID_ARGUMENT or RESOURCE_EXHAUSTED naming the field.
/// </summary>
public static class TensorMessages
{
    public static ProtoTensor ToMessage(ReadOnlySpan<float> values, params long[] shape)
    {
        long size = 1;
        foreach (var d in shape) size *= d;
        if (size != values.Length) throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {size} values, not {values.Length}");
        var bytes = new byte[values.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(values).CopyTo(bytes);
        else for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        var message = new ProtoTensor { Data = UnsafeByteOperations.UnsafeWrap(bytes) };
        message.Shape.AddRange(shape);
        return message;
    }

    public static ProtoTensor ToMessage(Batch batch) => ToMessage(batch.Values, batch.FullShape);

    /// <summary>
    /// A density grid as DensityGridRpc and WatchJob send it: its window, and log-densities [rows, columns] row 0 at
    /// the top, where a non-finite value (no mass, or a broken region) travels as the most negative float32.
    /// </summary>
    public static DensityGridMessage ToMessage(DensityGrid grid)
    {
        var window = grid.Window;
        var values = new float[grid.LogDensity.Length];
        for (int i = 0; i < values.Length; i++) values[i] = float.IsFinite(grid.LogDensity[i]) ? grid.LogDensity[i] : float.MinValue;
        return new DensityGridMessage
        {
            Bounds = new Bounds { XMin = window.XMin, XMax = window.XMax, YMin = window.YMin, YMax = window.YMax },
            Columns = window.Columns,
            Rows = window.Rows,
            LogDensity = ToMessage(values, window.Rows, window.Columns),
        };
    }

    /// <summary>
    /// A client's batch of samples of per-sample shape <paramref name="sampleShape"/>: [n, ...sampleShape] with n at
    /// least 1, at most <paramref name="maxBytes"/> of data, every value finite.
    /// </summary>
    public static Batch ReadBatch(ProtoTensor? message, string field, Shape sampleShape, int maxBytes)
    {
        if (message is null || message.Shape.Count == 0)
            throw Problems.Invalid(field, $"is required: a tensor of shape [n, {string.Join(", ", sampleShape.Dims)}]");
        var shape = message.Shape;
        if (!sampleShape.MatchesBatched(shape.ToArray()))
            throw Problems.Invalid(field, $"has shape [{string.Join(", ", shape)}]; this model takes [n, {string.Join(", ", sampleShape.Dims)}]");
        long count = shape[0];
        if (count < 1) throw Problems.Invalid(field, $"needs at least one sample, shape[0] is {count}");
        if (message.Data.Length > maxBytes)
            throw Problems.OverCap(field, $"{maxBytes} bytes per message",
                $"carries {message.Data.Length} bytes; split the samples over several requests");
        // Divide rather than multiply: a client's count can be any int64, and count x bytes per sample can wrap around
        // to the data's length (shape [2^61, 2] with no data), which would pass and then fail to allocate.
        long bytesPerSample = sampleShape.Size * sizeof(float);
        if (message.Data.Length % bytesPerSample != 0 || message.Data.Length / bytesPerSample != count)
            throw Problems.Invalid(field, $"data has {message.Data.Length} bytes; shape [{string.Join(", ", shape)}] needs " +
                                          $"{(Int128)count * bytesPerSample} (little-endian float32)");
        var values = new float[count * sampleShape.Size];
        var bytes = message.Data.Span;
        if (BitConverter.IsLittleEndian) bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        else for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw Problems.Invalid(field, $"value {i} (sample {i / sampleShape.Size}) is {values[i]}; every value must be finite");
        return new Batch(values, count, sampleShape);
    }
}
