using System.Runtime.InteropServices;

namespace FlowLive.Viewer.Platform;

/// <summary>
/// The EGL 1.5 calls a headless OpenGL context needs, by P/Invoke to the system's <c>libEGL.so.1</c> (libglvnd, which
/// dispatches to Mesa's libEGL_mesa). Mesa's surfaceless platform needs neither X nor a GPU: llvmpipe renders into
/// framebuffer objects.
/// </summary>
internal static partial class Egl
{
    public const string Library = "libEGL.so.1";

    public const int PlatformSurfacelessMesa = 0x31DD;
    public const int OpenGlApi = 0x30A2;
    public const int None = 0x3038;
    public const int True = 1;

    // eglChooseConfig attributes.
    public const int SurfaceType = 0x3033;
    public const int PbufferBit = 0x0001;
    public const int RenderableType = 0x3040;
    public const int OpenGlBit = 0x0008;
    public const int RedSize = 0x3024, GreenSize = 0x3023, BlueSize = 0x3022, AlphaSize = 0x3021;

    // eglCreateContext attributes.
    public const int ContextMajorVersion = 0x3098;
    public const int ContextMinorVersion = 0x30FB;
    public const int ContextOpenGlProfileMask = 0x30FD;
    public const int ContextOpenGlCoreProfileBit = 0x0001;

    [LibraryImport(Library)] public static partial nint eglGetPlatformDisplay(int platform, nint nativeDisplay, nint[]? attributes);
    [LibraryImport(Library)] public static partial int eglInitialize(nint display, out int major, out int minor);
    [LibraryImport(Library)] public static partial int eglTerminate(nint display);
    [LibraryImport(Library)] public static partial int eglBindAPI(int api);
    [LibraryImport(Library)] public static partial int eglChooseConfig(nint display, int[] attributes, [Out] nint[] configs, int configSize, out int count);
    [LibraryImport(Library)] public static partial nint eglCreateContext(nint display, nint config, nint shareContext, int[] attributes);
    [LibraryImport(Library)] public static partial int eglDestroyContext(nint display, nint context);
    [LibraryImport(Library)] public static partial int eglMakeCurrent(nint display, nint draw, nint read, nint context);
    [LibraryImport(Library)] public static partial int eglReleaseThread();
    [LibraryImport(Library)] public static partial int eglGetError();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint eglGetProcAddress(string name);

    /// <summary>The eglGetError code by its name in the EGL spec, for messages.</summary>
    public static string ErrorName(int code) => code switch
    {
        0x3000 => "EGL_SUCCESS",
        0x3001 => "EGL_NOT_INITIALIZED",
        0x3002 => "EGL_BAD_ACCESS",
        0x3003 => "EGL_BAD_ALLOC",
        0x3004 => "EGL_BAD_ATTRIBUTE",
        0x3005 => "EGL_BAD_CONFIG",
        0x3006 => "EGL_BAD_CONTEXT",
        0x3007 => "EGL_BAD_CURRENT_SURFACE",
        0x3008 => "EGL_BAD_DISPLAY",
        0x3009 => "EGL_BAD_MATCH",
        0x300A => "EGL_BAD_NATIVE_PIXMAP",
        0x300B => "EGL_BAD_NATIVE_WINDOW",
        0x300C => "EGL_BAD_PARAMETER",
        0x300D => "EGL_BAD_SURFACE",
        0x300E => "EGL_CONTEXT_LOST",
        _ => $"EGL error 0x{code:X4}",
    };
}
