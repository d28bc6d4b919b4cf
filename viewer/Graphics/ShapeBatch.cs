using System.Numerics;
using System.Runtime.InteropServices;
using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Graphics;

/// <summary>One vertex of <see cref="ShapeBatch"/>: 20 bytes, matching Shaders/shapes.vert.glsl's inputs.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct ShapeVertex(Vector2 position, Vector2 texCoord, Rgba colour)
{
    public const int Stride = 20;
    public readonly Vector2 Position = position;
    public readonly Vector2 TexCoord = texCoord;
    public readonly Rgba Colour = colour;
}

/// <summary>
/// Triangles collected on the CPU and drawn with one call when the renderer flushes: on llvmpipe every draw call costs
/// as much as thousands of vertices, and a frame's labels, panels and curves are hundreds of small shapes.
/// </summary>
internal sealed class ShapeBatch : IDisposable
{
    private readonly GL gl;
    private readonly GlBuffer buffer;
    private readonly GlVertexArray vertexArray;
    private ShapeVertex[] vertices = new ShapeVertex[1024];
    private int count;

    public ShapeBatch(GL gl)
    {
        this.gl = gl;
        buffer = new GlBuffer(gl, BufferUsageARB.StreamDraw);
        vertexArray = new GlVertexArray(gl);
        vertexArray.Attribute(0, buffer, 2, VertexAttribPointerType.Float, false, ShapeVertex.Stride, 0);
        vertexArray.Attribute(1, buffer, 2, VertexAttribPointerType.Float, false, ShapeVertex.Stride, 8);
        vertexArray.Attribute(2, buffer, 4, VertexAttribPointerType.UnsignedByte, true, ShapeVertex.Stride, 16);
    }

    public bool IsEmpty => count == 0;

    internal GlBuffer Buffer => buffer;
    internal GlVertexArray VertexArray => vertexArray;

    /// <summary>An axis-aligned rectangle textured by <paramref name="texture"/> (texture coordinates; v = 0 at the top).</summary>
    public void AddQuad(RectangleF rectangle, RectangleF texture, Rgba colour)
    {
        var topLeft = new ShapeVertex(new(rectangle.X, rectangle.Y), new(texture.X, texture.Y), colour);
        var topRight = new ShapeVertex(new(rectangle.Right, rectangle.Y), new(texture.Right, texture.Y), colour);
        var bottomLeft = new ShapeVertex(new(rectangle.X, rectangle.Bottom), new(texture.X, texture.Bottom), colour);
        var bottomRight = new ShapeVertex(new(rectangle.Right, rectangle.Bottom), new(texture.Right, texture.Bottom), colour);
        Reserve(6);
        vertices[count++] = topLeft;
        vertices[count++] = topRight;
        vertices[count++] = bottomRight;
        vertices[count++] = topLeft;
        vertices[count++] = bottomRight;
        vertices[count++] = bottomLeft;
    }

    /// <summary>Untextured triangles (every vertex samples <paramref name="texCoord"/>), three points each.</summary>
    public void AddTriangles(ReadOnlySpan<Vector2> corners, Vector2 texCoord, Rgba colour)
    {
        Reserve(corners.Length);
        foreach (var corner in corners) vertices[count++] = new ShapeVertex(corner, texCoord, colour);
    }

    /// <summary>Draws what was added (with whatever program and texture the caller bound) and starts over.</summary>
    public void Draw()
    {
        if (count == 0) return;
        buffer.Upload<ShapeVertex>(vertices.AsSpan(0, count));
        vertexArray.Bind();
        gl.DrawArrays(PrimitiveType.Triangles, 0, (uint)count);
        count = 0;
    }

    public void Dispose()
    {
        vertexArray.Dispose();
        buffer.Dispose();
    }

    private void Reserve(int more)
    {
        if (count + more > vertices.Length) Array.Resize(ref vertices, Math.Max(vertices.Length * 2, count + more));
    }
}
