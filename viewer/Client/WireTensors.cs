using System.Runtime.InteropServices;
using Google.Protobuf;

namespace FlowLive.Viewer.Client;

/// <summary>The viewer's side of the wire's tensors (shape + little-endian float32 bytes).</summary>
public static class WireTensors
{
    public static Protos.V1.Tensor Of(float[] values, params long[] shape)
    {
        var message = new Protos.V1.Tensor { Data = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        message.Shape.AddRange(shape);
        return message;
    }

    /// <summary>The tensor's values in place (no copy): read them before the message goes.</summary>
    public static ReadOnlySpan<float> Floats(Protos.V1.Tensor message) => MemoryMarshal.Cast<byte, float>(message.Data.Span);

    public static float[] Values(Protos.V1.Tensor message) => Floats(message).ToArray();
}
