using System.Runtime.InteropServices;

namespace FlowLive.Viewer.Platform;

/// <summary>
/// The few GLFW 3.3 functions the viewer uses, bound by P/Invoke to the system's <c>libglfw.so.3</c> (Debian's
/// libglfw3), so no native package ships with the viewer. Callbacks are plain C function pointers to
/// <c>[UnmanagedCallersOnly]</c> methods (<see cref="GlfwCallbacks"/>): unlike delegates, nothing for the GC to collect
/// while GLFW still holds them. All calls except <see cref="glfwSetErrorCallback"/> must come
/// from the thread that called <see cref="glfwInit"/>.
/// </summary>
internal static unsafe partial class Glfw
{
    public const string Library = "libglfw.so.3";

    // Window hints (glfw3.h).
    public const int Resizable = 0x00020003;
    public const int ContextVersionMajor = 0x00022002;
    public const int ContextVersionMinor = 0x00022003;
    public const int OpenGlForwardCompat = 0x00022006;
    public const int OpenGlProfile = 0x00022008;
    public const int OpenGlCoreProfile = 0x00032001;
    public const int DontCare = -1;

    // Actions and modifier bits of the input callbacks.
    public const int Release = 0;
    public const int Press = 1;
    public const int Repeat = 2;
    public const int ModShift = 0x0001;
    public const int ModControl = 0x0002;
    public const int ModAlt = 0x0004;
    public const int ModSuper = 0x0008;

    /// <summary>GLFWvidmode.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public readonly struct VideoMode
    {
        public readonly int Width, Height, RedBits, GreenBits, BlueBits, RefreshRate;
    }

    [LibraryImport(Library)] public static partial int glfwInit();
    [LibraryImport(Library)] public static partial void glfwTerminate();
    [LibraryImport(Library)] public static partial void glfwWindowHint(int hint, int value);
    [LibraryImport(Library)] public static partial void glfwDefaultWindowHints();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint glfwCreateWindow(int width, int height, string title, nint monitor, nint share);

    [LibraryImport(Library)] public static partial void glfwDestroyWindow(nint window);
    [LibraryImport(Library)] public static partial void glfwMakeContextCurrent(nint window);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint glfwGetProcAddress(string name);

    [LibraryImport(Library)] public static partial void glfwSwapInterval(int interval);
    [LibraryImport(Library)] public static partial void glfwSwapBuffers(nint window);
    [LibraryImport(Library)] public static partial void glfwPollEvents();
    [LibraryImport(Library)] public static partial void glfwWaitEventsTimeout(double timeout);
    [LibraryImport(Library)] public static partial int glfwWindowShouldClose(nint window);
    [LibraryImport(Library)] public static partial void glfwSetWindowShouldClose(nint window, int value);

    [LibraryImport(Library)] public static partial void glfwGetFramebufferSize(nint window, out int width, out int height);
    [LibraryImport(Library)] public static partial void glfwGetWindowSize(nint window, out int width, out int height);
    [LibraryImport(Library)] public static partial void glfwSetWindowSize(nint window, int width, int height);
    [LibraryImport(Library)] public static partial void glfwGetWindowPos(nint window, out int x, out int y);
    [LibraryImport(Library)] public static partial void glfwGetCursorPos(nint window, out double x, out double y);
    [LibraryImport(Library)] public static partial void glfwFocusWindow(nint window);
    [LibraryImport(Library)] public static partial void glfwSetWindowUserPointer(nint window, nint pointer);
    [LibraryImport(Library)] public static partial nint glfwGetWindowUserPointer(nint window);

    [LibraryImport(Library)] public static partial nint glfwGetPrimaryMonitor();
    [LibraryImport(Library)] public static partial VideoMode* glfwGetVideoMode(nint monitor);
    [LibraryImport(Library)] public static partial nint glfwGetWindowMonitor(nint window);

    [LibraryImport(Library)]
    public static partial void glfwSetWindowMonitor(nint window, nint monitor, int x, int y, int width, int height, int refreshRate);

    // Each setter returns the previous callback, which the viewer never chains.
    [LibraryImport(Library)]
    public static partial nint glfwSetErrorCallback(delegate* unmanaged<int, byte*, void> callback);

    [LibraryImport(Library)]
    public static partial nint glfwSetKeyCallback(nint window, delegate* unmanaged<nint, int, int, int, int, void> callback);

    [LibraryImport(Library)]
    public static partial nint glfwSetMouseButtonCallback(nint window, delegate* unmanaged<nint, int, int, int, void> callback);

    [LibraryImport(Library)]
    public static partial nint glfwSetCursorPosCallback(nint window, delegate* unmanaged<nint, double, double, void> callback);

    [LibraryImport(Library)]
    public static partial nint glfwSetScrollCallback(nint window, delegate* unmanaged<nint, double, double, void> callback);

    [LibraryImport(Library)]
    public static partial nint glfwSetFramebufferSizeCallback(nint window, delegate* unmanaged<nint, int, int, void> callback);
}
