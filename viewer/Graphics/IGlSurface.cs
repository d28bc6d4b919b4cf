using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Graphics;

/// <summary>
/// Where <see cref="GlRenderer2D"/> draws: a GL context current on the calling thread and the framebuffer that
/// receives the frame. A window draws into its default framebuffer (0); a headless context into an FBO of its own.
/// </summary>
public interface IGlSurface
{
    GL Gl { get; }

    /// <summary>The framebuffer's current size in pixels (it changes when a window is resized).</summary>
    int Width { get; }
    int Height { get; }

    /// <summary>The GL framebuffer name to bind for drawing and reading.</summary>
    uint Framebuffer { get; }
}
