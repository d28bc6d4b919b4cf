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

    /// <summary>Element by element, |expected - actual| &lt;= tolerance x (1 + |expected|).</summary>
    public static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }
}
