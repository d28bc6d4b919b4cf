extern alias viewer;
using System.Runtime.InteropServices;
using viewer::FlowLive.Viewer.Platform;

namespace FlowLive.Tests.Viewer.Platform;

/// <summary>
/// The GLFW window on a private Xvfb, each check in a child process (<see cref="WindowChecks"/>), so DISPLAY and
/// GLFW's process-wide state never touch the test host.
/// </summary>
public class GlfwWindowTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(90);

    [SkippableFact]
    public async Task AWindowOpensRendersWhatWasDrawnResizesGoesFullscreenAndCloses()
    {
        SkipUnlessGlfw();
        using var xvfb = XvfbServer.Start();

        var result = await SelfProcess.RunAsync(WindowChecks.OpenRenderResizeClose, new Dictionary<string, string?> { ["DISPLAY"] = xvfb.Display }, ChildTimeout);

        Assert.True(result.ExitCode == 0, SelfProcess.Describe(result));
        Assert.Contains("opened: 320x240", result.Output);
        Assert.Contains("frame 2: 320x240 as drawn", result.Output);
        Assert.Contains("frame after resize: 400x300 as drawn", result.Output);
        Assert.Contains("fullscreen frame: 1024x768 as drawn", result.Output);
        Assert.Contains("disposed", result.Output);
        Assert.DoesNotContain("GLFW:", result.Error); // no GLFW error was reported along the way
    }

    [SkippableFact]
    public async Task AKeyPressedOnTheXServerArrivesThroughTheCallbackAsAKeyEvent()
    {
        SkipUnlessGlfw();
        Skip.IfNot(XTest.Available, "libXtst.so.6 is missing (Debian: libxtst6), so no key can be injected");
        using var xvfb = XvfbServer.Start();

        var result = await SelfProcess.RunAsync(WindowChecks.KeyFromXServer, new Dictionary<string, string?> { ["DISPLAY"] = xvfb.Display }, ChildTimeout);

        Assert.True(result.ExitCode == 0, SelfProcess.Describe(result));
        Assert.Contains("keys: KeyEvent { Key = A, Action = Press", result.Output);
    }

    [SkippableFact]
    public async Task TheWholeViewerRunsInAWindowShowsTheStreamedPointsAndAnswersKeysFromTheXServer()
    {
        SkipUnlessGlfw();
        Skip.IfNot(XTest.Available, "libXtst.so.6 is missing (Debian: libxtst6), so no key can be injected");
        using var xvfb = XvfbServer.Start();

        var result = await SelfProcess.RunAsync(WindowChecks.WholeApp, new Dictionary<string, string?> { ["DISPLAY"] = xvfb.Display }, ChildTimeout);

        Assert.True(result.ExitCode == 0, SelfProcess.Describe(result));
        Assert.Contains("trace: 20,000 points", result.Output);
        Assert.Contains("screenshot: 640x480", result.Output);
        Assert.Contains("quit: the loop ended on Q", result.Output);
        Assert.DoesNotContain("GLFW:", result.Error);
    }

    [SkippableFact]
    public async Task WithoutADisplayTheWindowSaysSoAndPointsToHeadlessRendering()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "DISPLAY is how X11 finds its server");

        var result = await SelfProcess.RunAsync(WindowChecks.NoDisplay, new Dictionary<string, string?> { ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null }, ChildTimeout);

        Assert.True(result.ExitCode == 0, SelfProcess.Describe(result));
        Assert.Contains($"unavailable: {WindowUnavailableException.NoDisplay}", result.Output);
    }

    private static void SkipUnlessGlfw()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the window tests run GLFW on X11 (Xvfb)");
        Skip.IfNot(NativeLibrary.TryLoad("libglfw.so.3", out var glfw), "libglfw.so.3 is missing (Debian: libglfw3)");
        NativeLibrary.Free(glfw);
    }
}
