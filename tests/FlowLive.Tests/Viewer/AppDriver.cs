extern alias viewer;
using viewer::FlowLive.Viewer.Engine;

namespace FlowLive.Tests.Viewer;

/// <summary>Runs a viewer app update by update (as its game loop would) until a condition holds, or fails saying what it waited for.</summary>
public static class AppDriver
{
    public static async Task Until(ViewerApp app, Func<bool> done, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; status: {app.Scene.Status}; message: {app.Context.Message}");
            await Task.Delay(10);
            app.Tick(1, 1.0 / 120);
        }
    }
}
