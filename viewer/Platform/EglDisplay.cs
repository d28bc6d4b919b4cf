namespace FlowLive.Viewer.Platform;

/// <summary>
/// The process's one surfaceless EGL display, shared by every <see cref="HeadlessContext"/>. EGL hands back the same
/// display for the same platform, and eglTerminate would pull it from under every other live context, so it is
/// initialised with the first context and terminated after the last.
/// </summary>
internal static class EglDisplay
{
    private const string Install = "install libegl1 libegl-mesa0 libgl1-mesa-dri (`./flowlive` does)";
    private static readonly Lock gate = new();
    private static nint display;
    private static int users;

    public static nint Acquire()
    {
        lock (gate)
        {
            if (users == 0) display = Open();
            users++;
            return display;
        }
    }

    public static void Release()
    {
        lock (gate)
        {
            if (--users > 0) return;
            Egl.eglTerminate(display);
            Egl.eglReleaseThread();
            display = 0;
        }
    }

    private static nint Open()
    {
        nint opened;
        try
        {
            opened = Egl.eglGetPlatformDisplay(Egl.PlatformSurfacelessMesa, 0, null);
        }
        catch (DllNotFoundException e)
        {
            throw new HeadlessContextException("loading " + Egl.Library, $"EGL is not installed: {Install}", e);
        }
        catch (EntryPointNotFoundException e)
        {
            throw new HeadlessContextException("eglGetPlatformDisplay", $"{Egl.Library} is older than EGL 1.5: {Install}", e);
        }
        if (opened == 0)
            throw HeadlessContext.Failed("eglGetPlatformDisplay", $"no surfaceless platform (EGL_MESA_platform_surfaceless): {Install}");
        if (Egl.eglInitialize(opened, out _, out _) != Egl.True)
            throw HeadlessContext.Failed("eglInitialize", $"no EGL driver could start (is Mesa's libEGL_mesa there?): {Install}");
        return opened;
    }
}
