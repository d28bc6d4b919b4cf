using FlowLive.Viewer.Graphics;
using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Platform;

/// <summary>
/// An OpenGL 3.3 core context with no window and no X server (EGL on Mesa's surfaceless platform), drawing into an
/// offscreen RGBA8 framebuffer of its own: headless frames (PNG, GIF) and the renderer's pixel tests. The context is
/// made current on the constructing thread; all GL calls and <see cref="Dispose"/> belong on that thread.
/// </summary>
public sealed class HeadlessContext : IGlSurface, IDisposable
{
    private readonly nint display;
    private readonly nint context;
    private readonly GlFramebuffer target;
    private bool disposed;

    public HeadlessContext(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        display = EglDisplay.Acquire();
        try
        {
            context = CreateContext(display);
            MakeCurrent();
            Gl = GL.GetApi(Egl.eglGetProcAddress);
            target = new GlFramebuffer(Gl, width, height);
        }
        catch
        {
            if (context != 0)
            {
                Egl.eglMakeCurrent(display, 0, 0, 0);
                Egl.eglDestroyContext(display, context);
            }
            EglDisplay.Release();
            throw;
        }
    }

    public GL Gl { get; }
    public int Width => target.Width;
    public int Height => target.Height;
    public uint Framebuffer => target.Handle;

    /// <summary>The offscreen framebuffer takes the new size; its contents are lost (the next frame redraws them).</summary>
    public void Resize(int width, int height) => target.Resize(width, height);

    /// <summary>Makes this context current on the calling thread (EGL contexts are current per thread).</summary>
    public void MakeCurrent()
    {
        if (Egl.eglBindAPI(Egl.OpenGlApi) != Egl.True) throw Failed("eglBindAPI", "desktop OpenGL is not offered");
        if (Egl.eglMakeCurrent(display, 0, 0, context) != Egl.True)
            throw Failed("eglMakeCurrent", "the driver needs EGL_KHR_surfaceless_context (Mesa has it)");
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        MakeCurrent();
        target.Dispose();
        Egl.eglMakeCurrent(display, 0, 0, 0);
        Egl.eglDestroyContext(display, context);
        EglDisplay.Release();
    }

    private static nint CreateContext(nint display)
    {
        if (Egl.eglBindAPI(Egl.OpenGlApi) != Egl.True) throw Failed("eglBindAPI", "desktop OpenGL is not offered");
        int[] configAttributes =
        [
            Egl.SurfaceType, Egl.PbufferBit,
            Egl.RenderableType, Egl.OpenGlBit,
            Egl.RedSize, 8, Egl.GreenSize, 8, Egl.BlueSize, 8, Egl.AlphaSize, 8,
            Egl.None,
        ];
        var configs = new nint[1];
        if (Egl.eglChooseConfig(display, configAttributes, configs, 1, out int count) != Egl.True)
            throw Failed("eglChooseConfig", "the driver rejected the request for an RGBA8 OpenGL config");
        if (count < 1) throw new HeadlessContextException("eglChooseConfig", "no RGBA8 config renders desktop OpenGL");

        int[] contextAttributes =
        [
            Egl.ContextMajorVersion, 3,
            Egl.ContextMinorVersion, 3,
            Egl.ContextOpenGlProfileMask, Egl.ContextOpenGlCoreProfileBit,
            Egl.None,
        ];
        nint context = Egl.eglCreateContext(display, configs[0], 0, contextAttributes);
        if (context == 0) throw Failed("eglCreateContext", "no OpenGL 3.3 core context");
        return context;
    }

    internal static HeadlessContextException Failed(string step, string what) =>
        new(step, $"{what} ({Egl.ErrorName(Egl.eglGetError())})");
}
