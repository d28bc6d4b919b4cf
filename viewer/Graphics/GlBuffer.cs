using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Graphics;

/// <summary>A vertex buffer refilled whole from CPU arrays (per frame for shapes, per change for point clouds).</summary>
public sealed class GlBuffer : IDisposable
{
    private readonly GL gl;
    private readonly BufferUsageARB usage;

    public GlBuffer(GL gl, BufferUsageARB usage)
    {
        this.gl = gl;
        this.usage = usage;
        Handle = gl.GenBuffer();
        Bind();
    }

    public uint Handle { get; }

    public void Bind() => gl.BindBuffer(BufferTargetARB.ArrayBuffer, Handle);

    /// <summary>
    /// Replaces the contents. glBufferData hands the driver new storage each time ("orphaning"), so a draw still reading
    /// the previous contents never makes this call wait.
    /// </summary>
    public unsafe void Upload<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        Bind();
        fixed (T* pointer = data)
            gl.BufferData(BufferTargetARB.ArrayBuffer, (nuint)(data.Length * sizeof(T)), pointer, usage);
    }

    public void Dispose() => gl.DeleteBuffer(Handle);
}
