using System.Runtime.InteropServices;
using FlowLive.Viewer.Graphics;
using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Platform;

/// <summary>
/// A resizable window with an OpenGL 3.3 core context, through GLFW. The game loop owns it on one thread: it polls,
/// drains the input recorded meanwhile (<see cref="DrainInput"/>), draws through <see cref="Gl"/> and swaps. Needs an X
/// display (GLFW 3.3 has no headless platform); without one the constructor throws
/// <see cref="WindowUnavailableException"/> and headless output goes through <see cref="HeadlessContext"/>.
/// </summary>
public sealed class GlfwWindow : IGlSurface, IDisposable
{
    // glfwInit is process-wide: the first window initialises GLFW, the last one disposed terminates it.
    private static int openWindows;

    private readonly nint handle;
    private GCHandle self;
    private bool vsync;
    private Exception? callbackFailure;
    private (int X, int Y, int Width, int Height) windowedBounds;
    private bool disposed;

    public GlfwWindow(WindowOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Width, 1, nameof(options.Width));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Height, 1, nameof(options.Height));
        InitGlfw();
        try
        {
            Glfw.glfwDefaultWindowHints();
            Glfw.glfwWindowHint(Glfw.ContextVersionMajor, 3);
            Glfw.glfwWindowHint(Glfw.ContextVersionMinor, 3);
            Glfw.glfwWindowHint(Glfw.OpenGlProfile, Glfw.OpenGlCoreProfile);
            Glfw.glfwWindowHint(Glfw.OpenGlForwardCompat, 1); // macOS only gives core contexts this way
            Glfw.glfwWindowHint(Glfw.Resizable, 1);
            handle = Glfw.glfwCreateWindow(options.Width, options.Height, options.Title, 0, 0);
            if (handle == 0)
                throw new WindowUnavailableException(
                    $"could not open an OpenGL 3.3 core window: {GlfwCallbacks.TakeLastError() ?? "GLFW gave no reason"}");
        }
        catch
        {
            ReleaseGlfw();
            throw;
        }

        self = GCHandle.Alloc(this);
        Glfw.glfwSetWindowUserPointer(handle, GCHandle.ToIntPtr(self));
        GlfwCallbacks.Install(handle);
        Glfw.glfwMakeContextCurrent(handle);
        Gl = GL.GetApi(Glfw.glfwGetProcAddress);
        VSync = options.VSync;
        if (options.Fullscreen) ToggleFullscreen();
    }

    public GL Gl { get; }

    /// <summary>The input the callbacks recorded; <see cref="DrainInput"/> empties it.</summary>
    internal InputQueue Input { get; } = new();

    public int Width => FramebufferSize.Width;
    public int Height => FramebufferSize.Height;
    uint IGlSurface.Framebuffer => 0;

    public (int Width, int Height) FramebufferSize
    {
        get
        {
            Glfw.glfwGetFramebufferSize(handle, out int width, out int height);
            return (width, height);
        }
    }

    public bool ShouldClose => Glfw.glfwWindowShouldClose(handle) != 0;

    public bool IsFullscreen => Glfw.glfwGetWindowMonitor(handle) != 0;

    /// <summary>Wait for the display's refresh on swap (on), or swap at once (off: to measure frame rates).</summary>
    public bool VSync
    {
        get => vsync;
        set
        {
            vsync = value;
            Glfw.glfwSwapInterval(value ? 1 : 0);
        }
    }

    /// <summary>Asks the loop to stop: <see cref="ShouldClose"/> becomes true (as when the user closes the window).</summary>
    public void Close() => Glfw.glfwSetWindowShouldClose(handle, 1);

    public void SwapBuffers() => Glfw.glfwSwapBuffers(handle);

    /// <summary>Records pending input without waiting (a loop that animates).</summary>
    public void PollEvents()
    {
        Glfw.glfwPollEvents();
        AfterEvents();
    }

    /// <summary>Sleeps until input arrives or <paramref name="timeoutSeconds"/> pass (a loop with nothing moving).</summary>
    public void WaitEvents(double timeoutSeconds)
    {
        Glfw.glfwWaitEventsTimeout(timeoutSeconds);
        AfterEvents();
    }

    /// <summary>Everything the user did since the last call, oldest first.</summary>
    public IReadOnlyList<InputEvent> DrainInput() => Input.Drain();

    /// <summary>
    /// Between a window and the primary monitor at its own resolution; returns whether it is now fullscreen (false
    /// with no monitor to go to).
    /// </summary>
    public bool ToggleFullscreen()
    {
        if (IsFullscreen)
        {
            var (x, y, width, height) = windowedBounds;
            Glfw.glfwSetWindowMonitor(handle, 0, x, y, width, height, Glfw.DontCare);
        }
        else
        {
            nint monitor = Glfw.glfwGetPrimaryMonitor();
            var mode = monitor == 0 ? null : VideoMode(monitor);
            if (mode is not { } m) return false;
            Glfw.glfwGetWindowPos(handle, out int x, out int y);
            Glfw.glfwGetWindowSize(handle, out int width, out int height);
            windowedBounds = (x, y, width, height);
            Glfw.glfwSetWindowMonitor(handle, monitor, 0, 0, m.Width, m.Height, m.RefreshRate);
        }
        VSync = vsync; // some platforms reset the swap interval when the window changes monitor
        return IsFullscreen;
    }

    /// <summary>Raises the window and gives it the keyboard (tests; the window manager does this for users).</summary>
    internal void Focus() => Glfw.glfwFocusWindow(handle);

    /// <summary>Sets the window's size in screen coordinates (tests; the user resizes with the mouse).</summary>
    public void Resize(int width, int height) => Glfw.glfwSetWindowSize(handle, width, height);

    /// <summary>A window position (screen coordinates, as GLFW reports the cursor) in framebuffer pixels.</summary>
    internal (double X, double Y) ToFramebufferPixels(double x, double y)
    {
        Glfw.glfwGetWindowSize(handle, out int width, out int height);
        var (fbWidth, fbHeight) = FramebufferSize;
        return width <= 0 || height <= 0 ? (x, y) : (x * fbWidth / width, y * fbHeight / height);
    }

    internal (double X, double Y) CursorInFramebufferPixels()
    {
        Glfw.glfwGetCursorPos(handle, out double x, out double y);
        return ToFramebufferPixels(x, y);
    }

    internal static GlfwWindow? FromHandle(nint window)
    {
        nint pointer = Glfw.glfwGetWindowUserPointer(window);
        return pointer == 0 ? null : GCHandle.FromIntPtr(pointer).Target as GlfwWindow;
    }

    internal void ParkCallbackFailure(Exception e) => callbackFailure ??= e;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Glfw.glfwSetWindowUserPointer(handle, 0); // no callback may find this object after it is gone
        Glfw.glfwDestroyWindow(handle);
        self.Free();
        ReleaseGlfw();
    }

    private void AfterEvents()
    {
        if (GlfwCallbacks.TakeLastError() is { } error) Console.Error.WriteLine($"flowlive-viewer: GLFW: {error}");
        if (callbackFailure is { } failure)
        {
            callbackFailure = null;
            throw new InvalidOperationException("recording input failed inside a GLFW callback", failure);
        }
    }

    private static unsafe Glfw.VideoMode? VideoMode(nint monitor)
    {
        var mode = Glfw.glfwGetVideoMode(monitor);
        return mode == null ? null : *mode;
    }

    /// <summary>Whether a window can be opened at all: on Linux an X (DISPLAY) or Wayland (WAYLAND_DISPLAY) display is set.</summary>
    public static bool HasDisplay => !OperatingSystem.IsLinux()
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));

    private static void InitGlfw()
    {
        if (openWindows++ > 0) return;
        try
        {
            if (!HasDisplay) throw new WindowUnavailableException(WindowUnavailableException.NoDisplay);
            try
            {
                GlfwCallbacks.InstallErrorCallback();
            }
            catch (DllNotFoundException e)
            {
                throw new WindowUnavailableException(
                    $"{Glfw.Library} is not installed (Debian: apt-get install libglfw3; `./flowlive` installs it), " +
                    "or use `flowlive render` for headless output", e);
            }
            if (Glfw.glfwInit() == 0)
                throw new WindowUnavailableException(
                    $"GLFW could not start: {GlfwCallbacks.TakeLastError() ?? "no reason given"}; " +
                    "check DISPLAY, or use `flowlive render` for headless output");
        }
        catch
        {
            openWindows--;
            throw;
        }
    }

    private static void ReleaseGlfw()
    {
        if (--openWindows == 0) Glfw.glfwTerminate();
    }
}
