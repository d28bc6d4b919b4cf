using System.Runtime.InteropServices;

namespace FlowLive.Tests.Viewer.Platform;

/// <summary>
/// The X server's XTEST extension (libXtst), to press a key as if on a keyboard: the key then travels the whole way a
/// user's does (X server, GLFW, the native callback, the input queue).
/// </summary>
internal static class XTest
{
    private const string X11 = "libX11.so.6";
    private const string Xtst = "libXtst.so.6";
    public const uint KeysymA = 0x61;

    public static bool Available => NativeLibrary.TryLoad(Xtst, out var handle) && Free(handle);

    /// <summary>Presses and releases the key of <paramref name="keysym"/> on the display in DISPLAY.</summary>
    public static void Tap(uint keysym)
    {
        nint display = XOpenDisplay(null);
        if (display == 0) throw new InvalidOperationException("XOpenDisplay failed: is DISPLAY set to a running server?");
        try
        {
            byte keycode = XKeysymToKeycode(display, keysym);
            if (keycode == 0) throw new InvalidOperationException($"no keycode for keysym 0x{keysym:X}");
            XTestFakeKeyEvent(display, keycode, 1, 0);
            XTestFakeKeyEvent(display, keycode, 0, 0);
            XFlush(display);
        }
        finally
        {
            XCloseDisplay(display);
        }
    }

    private static bool Free(nint handle)
    {
        NativeLibrary.Free(handle);
        return true;
    }

    // DllImport, not LibraryImport: the generated marshallers would need unsafe code enabled in the test project.
    [DllImport(X11)] private static extern nint XOpenDisplay(string? name);
    [DllImport(X11)] private static extern int XCloseDisplay(nint display);
    [DllImport(X11)] private static extern int XFlush(nint display);
    [DllImport(X11)] private static extern byte XKeysymToKeycode(nint display, nuint keysym);
    [DllImport(Xtst)] private static extern int XTestFakeKeyEvent(nint display, uint keycode, int isPress, nuint delay);
}
