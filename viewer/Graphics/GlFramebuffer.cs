using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Graphics;

/// <summary>
/// An offscreen framebuffer with one RGBA8 colour texture and no depth buffer (2-D drawing is painter's order): the
/// target of headless rendering, which has no window to draw into.
/// </summary>
public sealed class GlFramebuffer : IDisposable
{
    private readonly GL gl;
    private readonly GlTexture2D colour;

    public GlFramebuffer(GL gl, int width, int height)
    {
        this.gl = gl;
        colour = new GlTexture2D(gl, width, height, TextureFormat.Rgba8);
        Handle = gl.GenFramebuffer();
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, Handle);
        gl.FramebufferTexture2D(FramebufferTarget.Framebuffer, FramebufferAttachment.ColorAttachment0, TextureTarget.Texture2D, colour.Handle, 0);
        CheckComplete();
    }

    public uint Handle { get; }
    public int Width => colour.Width;
    public int Height => colour.Height;

    /// <summary>The colour texture (e.g. to draw this framebuffer's frame elsewhere).</summary>
    public GlTexture2D Colour => colour;

    /// <summary>New colour storage of the given size; the attachment stays, the contents are lost.</summary>
    public void Resize(int width, int height)
    {
        if (width == Width && height == Height) return;
        colour.Resize(width, height);
        CheckComplete();
    }

    public void Dispose()
    {
        gl.DeleteFramebuffer(Handle);
        colour.Dispose();
    }

    private void CheckComplete()
    {
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, Handle);
        var status = (FramebufferStatus)gl.CheckFramebufferStatus(FramebufferTarget.Framebuffer);
        if (status != FramebufferStatus.Complete)
            throw new GlException($"the {Width}x{Height} offscreen framebuffer is incomplete ({status})");
        GlErrors.Check(gl, $"creating a {Width}x{Height} offscreen framebuffer");
    }
}
