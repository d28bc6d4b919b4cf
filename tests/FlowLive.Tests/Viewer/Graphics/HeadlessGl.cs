extern alias viewer;
using System.Runtime.InteropServices;
using viewer::FlowLive.Viewer.Graphics;
using viewer::FlowLive.Viewer.Platform;
using Rgb = viewer::FlowLive.Imaging.Rgb;

namespace FlowLive.Tests.Viewer.Graphics;

/// <summary>
/// A headless GL context (EGL surfaceless on Mesa) and a renderer on it, for pixel tests. Skips, naming the package,
/// only when a library is missing; with the libraries present, a context that fails to start fails the test.
/// </summary>
public sealed class HeadlessGl : IDisposable
{
    private HeadlessGl(int width, int height)
    {
        Context = new HeadlessContext(width, height);
        Renderer = new GlRenderer2D(Context);
    }

    public HeadlessContext Context { get; }
    public GlRenderer2D Renderer { get; }

    public static HeadlessGl Open(int width, int height)
    {
        SkipUnlessAvailable();
        return new HeadlessGl(width, height);
    }

    public static void SkipUnlessAvailable()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "headless OpenGL goes through EGL on Linux");
        Skip.IfNot(CanLoad("libEGL.so.1"), "libEGL.so.1 is missing (Debian: libegl1)");
        Skip.IfNot(CanLoad("libEGL_mesa.so.0"), "Mesa's EGL driver is missing (Debian: libegl-mesa0)");
        Skip.IfNot(MesaDriversInstalled(), "Mesa's DRI drivers are missing (Debian: libgl1-mesa-dri)");
    }

    /// <summary>The frame drawn by <paramref name="draw"/> over <paramref name="background"/>, read back.</summary>
    public RgbaImage Frame(Rgb background, Action<GlRenderer2D> draw)
    {
        Renderer.BeginFrame(background);
        draw(Renderer);
        Renderer.EndFrame();
        return Renderer.ReadPixels();
    }

    public void Dispose()
    {
        Renderer.Dispose();
        Context.Dispose();
    }

    private static bool CanLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    private static bool MesaDriversInstalled() =>
        new[] { "/usr/lib/x86_64-linux-gnu/dri", "/usr/lib/aarch64-linux-gnu/dri", "/usr/lib64/dri", "/usr/lib/dri" }
            .Any(dir => File.Exists(Path.Combine(dir, "swrast_dri.so")) || File.Exists(Path.Combine(dir, "kms_swrast_dri.so")));
}
