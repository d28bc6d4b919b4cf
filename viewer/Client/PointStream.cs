using FlowLive.Protos.V1;
using FlowLive.Viewer.Rendering;
using Grpc.Core;

namespace FlowLive.Viewer.Client;

/// <summary>A stream of 2-D points (Sample, SampleData: chunks of interleaved x, y at an offset) read whole.</summary>
public static class PointStream
{
    /// <param name="chunk">Where a message's points start and the points (the two responses share no type).</param>
    public static async Task<PointStates> Read<T>(IAsyncStreamReader<T> stream, int count, Func<T, (long Offset, Tensor Points)> chunk,
        CancellationToken cancellation)
    {
        var points = new PointStates(count);
        await foreach (var message in stream.ReadAllAsync(cancellation))
        {
            var (offset, values) = chunk(message);
            points.Fill((int)offset, WireTensors.Floats(values));
        }
        return points;
    }
}
