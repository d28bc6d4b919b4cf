extern alias viewer;
using System.Runtime.InteropServices;
using FlowLive.Tests.Support;
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
        var result = await OnXvfb(WindowChecks.OpenRenderResizeClose);

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
        SkipUnlessGlfwAndXTest();
        var result = await OnXvfb(WindowChecks.KeyFromXServer);

        Assert.Contains("keys: KeyEvent { Key = A, Action = Press", result.Output);
    }

    [SkippableFact]
    public async Task TheWholeViewerRunsInAWindowShowsTheStreamedPointsAndAnswersKeysFromTheXServer()
    {
        SkipUnlessGlfwAndXTest();
        var result = await OnXvfb(WindowChecks.WholeApp);

        Assert.Contains("trace: 20,000 points", result.Output);
        Assert.Contains("screenshot: 640x480", result.Output);
        Assert.Contains("scenes: 2 switched to density, 1 back to flow steps", result.Output);
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

    /// <summary>Runs a window check in a child process on a private Xvfb and asserts it succeeded.</summary>
    private static async Task<ExternalProcess.Outcome> OnXvfb(string check)
    {
        using var xvfb = XvfbServer.Start();
        var result = await SelfProcess.RunAsync(check, new Dictionary<string, string?> { ["DISPLAY"] = xvfb.Display }, ChildTimeout);
        Assert.True(result.ExitCode == 0, SelfProcess.Describe(result));
        return result;
    }

    private static void SkipUnlessGlfw()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the window tests run GLFW on X11 (Xvfb)");
        Skip.IfNot(NativeLibrary.TryLoad("libglfw.so.3", out var glfw), "libglfw.so.3 is missing (Debian: libglfw3)");
        NativeLibrary.Free(glfw);
    }

    /// <summary>The window checks that inject keys also need XTest.</summary>
    private static void SkipUnlessGlfwAndXTest()
    {
        SkipUnlessGlfw();
        Skip.IfNot(XTest.Available, "libXtst.so.6 is missing (Debian: libxtst6), so no key can be injected");
    }
}
