using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Graphics;

/// <summary>
/// A vertex array object: which buffer feeds which shader input. The core profile draws nothing without one bound,
/// so every draw binds its own.
/// </summary>
public sealed class GlVertexArray : IDisposable
{
    private readonly GL gl;

    public GlVertexArray(GL gl)
    {
        this.gl = gl;
        Handle = gl.GenVertexArray();
        Bind();
    }

    public uint Handle { get; }

    public void Bind() => gl.BindVertexArray(Handle);

    /// <summary>
    /// Shader input <paramref name="location"/> reads <paramref name="components"/> values of <paramref name="type"/>
    /// at <paramref name="offset"/> bytes in each <paramref name="stride"/>-byte vertex of <paramref name="buffer"/>;
    /// <paramref name="normalized"/> maps bytes 0-255 to 0-1 (colours).
    /// </summary>
    public unsafe void Attribute(uint location, GlBuffer buffer, int components, VertexAttribPointerType type, bool normalized, int stride, int offset)
    {
        Bind();
        buffer.Bind();
        gl.EnableVertexAttribArray(location);
        gl.VertexAttribPointer(location, components, type, normalized, (uint)stride, (void*)offset);
    }

    public void Dispose() => gl.DeleteVertexArray(Handle);
}
