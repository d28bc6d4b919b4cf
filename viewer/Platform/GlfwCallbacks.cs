using System.Runtime.InteropServices;

namespace FlowLive.Viewer.Platform;

/// <summary>
/// The native entry points GLFW calls back. They only record: each finds its <see cref="GlfwWindow"/> through the
/// window's user pointer and appends to its <see cref="InputQueue"/>. Nothing may throw back into native code (that
/// ends the process), so a failure is parked on the window and rethrown by its next <see cref="GlfwWindow.PollEvents"/>.
/// </summary>
internal static unsafe class GlfwCallbacks
{
    // GLFW reports errors on the thread that made the failing call; the caller picks the message up right after.
    [ThreadStatic] private static string? lastError;

    public static void InstallErrorCallback() => Glfw.glfwSetErrorCallback(&OnError);

    public static void Install(nint window)
    {
        Glfw.glfwSetKeyCallback(window, &OnKey);
        Glfw.glfwSetMouseButtonCallback(window, &OnMouseButton);
        Glfw.glfwSetCursorPosCallback(window, &OnCursorPos);
        Glfw.glfwSetScrollCallback(window, &OnScroll);
        Glfw.glfwSetFramebufferSizeCallback(window, &OnFramebufferSize);
    }

    /// <summary>The last GLFW error on this thread, if any, forgotten once read.</summary>
    public static string? TakeLastError()
    {
        var error = lastError;
        lastError = null;
        return error;
    }

    [UnmanagedCallersOnly]
    private static void OnError(int code, byte* description) =>
        lastError = $"{Marshal.PtrToStringUTF8((nint)description)} (GLFW error 0x{code:X5})";

    [UnmanagedCallersOnly]
    private static void OnKey(nint handle, int key, int scancode, int action, int mods) =>
        Deliver(handle, window => GlfwInput.OnKey(window.Input, key, action, mods));

    [UnmanagedCallersOnly]
    private static void OnMouseButton(nint handle, int button, int action, int mods) =>
        Deliver(handle, window =>
        {
            var (x, y) = window.CursorInFramebufferPixels();
            GlfwInput.OnMouseButton(window.Input, button, action, x, y);
        });

    [UnmanagedCallersOnly]
    private static void OnCursorPos(nint handle, double x, double y) =>
        Deliver(handle, window =>
        {
            var (px, py) = window.ToFramebufferPixels(x, y);
            window.Input.Enqueue(new MouseMoveEvent(px, py));
        });

    [UnmanagedCallersOnly]
    private static void OnScroll(nint handle, double dx, double dy) =>
        Deliver(handle, window =>
        {
            var (x, y) = window.CursorInFramebufferPixels();
            window.Input.Enqueue(new ScrollEvent(dx, dy, x, y));
        });

    [UnmanagedCallersOnly]
    private static void OnFramebufferSize(nint handle, int width, int height) =>
        Deliver(handle, window => window.Input.Enqueue(new ResizeEvent(width, height)));

    private static void Deliver(nint handle, Action<GlfwWindow> record)
    {
        var window = GlfwWindow.FromHandle(handle);
        if (window is null) return;
        try
        {
            record(window);
        }
        catch (Exception e)
        {
            window.ParkCallbackFailure(e);
        }
    }
}
