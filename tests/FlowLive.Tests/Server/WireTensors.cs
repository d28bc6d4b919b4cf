using System.Runtime.InteropServices;
using Google.Protobuf;
using ProtoTensor = FlowLive.Protos.V1.Tensor;

namespace FlowLive.Tests.Server;

/// <summary>Test-side conversion of the wire's tensors, written independently of the server's own.</summary>
public static class WireTensors
{
    public static ProtoTensor Of(float[] values, params long[] shape)
    {
        var message = new ProtoTensor { Data = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        message.Shape.AddRange(shape);
        return message;
    }

    public static float[] Values(ProtoTensor message) => MemoryMarshal.Cast<byte, float>(message.Data.Span).ToArray();
}
