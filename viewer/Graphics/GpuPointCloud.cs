using System.Runtime.InteropServices;
using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Graphics;

/// <summary>
/// The buffers of one <see cref="PointCloud"/>: both states and the colours, uploaded when the cloud's version moves
/// on, so a morph (t from 0 to 1) costs no uploads at all. Matches Shaders/points.vert.glsl's inputs.
/// </summary>
internal sealed class GpuPointCloud : IDisposable
{
    private readonly GlBuffer from;
    private readonly GlBuffer to;
    private readonly GlBuffer colours;
    private readonly GlVertexArray vertexArray;
    private int uploadedVersion = -1;

    public GpuPointCloud(GL gl)
    {
        from = new GlBuffer(gl, BufferUsageARB.StaticDraw);
        to = new GlBuffer(gl, BufferUsageARB.StaticDraw);
        colours = new GlBuffer(gl, BufferUsageARB.StaticDraw);
        vertexArray = new GlVertexArray(gl);
        vertexArray.Attribute(0, from, 2, VertexAttribPointerType.Float, false, 8, 0);
        vertexArray.Attribute(1, to, 2, VertexAttribPointerType.Float, false, 8, 0);
        vertexArray.Attribute(2, colours, 4, VertexAttribPointerType.UnsignedByte, true, 4, 0);
    }

    /// <summary>Points in the buffers.</summary>
    public int Count { get; private set; }

    internal IEnumerable<GlBuffer> Buffers => [from, to, colours];
    internal GlVertexArray VertexArray => vertexArray;

    /// <summary>
    /// Uploads <paramref name="cloud"/> if it changed and binds its buffers for drawing. A cloud without a
    /// <see cref="PointCloud.To"/> state stands still at <see cref="PointCloud.From"/>.
    /// </summary>
    public void Prepare(PointCloud cloud)
    {
        if (cloud.Version != uploadedVersion)
        {
            int count = cloud.Count;
            Check(cloud.From, nameof(PointCloud.From), count);
            bool still = cloud.To.Length == 0;
            if (!still) Check(cloud.To, nameof(PointCloud.To), count);
            from.Upload<float>(cloud.From);
            to.Upload<float>(still ? cloud.From : cloud.To);
            colours.Upload<byte>(MemoryMarshal.AsBytes<Rgba>(cloud.Colours));
            Count = count;
            uploadedVersion = cloud.Version;
        }
        vertexArray.Bind();
    }

    public void Dispose()
    {
        vertexArray.Dispose();
        from.Dispose();
        to.Dispose();
        colours.Dispose();
    }

    private static void Check(float[] positions, string name, int count)
    {
        if (positions.Length != 2 * count)
            throw new ArgumentException(
                $"PointCloud.{name} holds {positions.Length} floats; {2 * count} expected (x, y for each of the {count} colours)", name);
    }
}
