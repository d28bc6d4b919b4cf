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

    public static float[] Values(Protos.V1.Tensor message) => MemoryMarshal.Cast<byte, float>(message.Data.Span).ToArray();
}
