using FlowLive.Viewer.Engine;
using FlowLive.Viewer.Graphics;

namespace FlowLive.Viewer.Headless;

/// <summary>
/// A scene rendered offscreen, frame by frame at a fixed rate (so two renders of the same scene are the same
/// animation): wait until the scene has everything it asked the server for, then step and draw, handing each frame
/// to the recorder. The same app and scenes as the window; only the clock and the framebuffer differ.
/// </summary>
public static class HeadlessSession
{
    public sealed record Result(int Frames, string? Gif, string? Mp4, TimeSpan WaitedForServer);

    /// <param name="frames">Frames to record; null: the scene's whole story once (<see cref="Scenes.Scene.StorySeconds"/>).</param>
    public static Result Record(ViewerApp app, IRenderer2D renderer, FrameRecorder recorder, double framesPerSecond, int? frames,
        TimeSpan timeout, CancellationToken cancellation = default)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!(app.Model is not null && app.Scene.Ready))
        {
            cancellation.ThrowIfCancellationRequested();
            if (waited.Elapsed > timeout)
                throw new TimeoutException($"{app.Scene.Title} was not ready after {timeout.TotalSeconds:0} s: " +
                                           (app.Context.Message ?? app.Scene.Status));
            Thread.Sleep(10);
            app.Tick();
        }
        var serverTime = waited.Elapsed;
        int count = frames ?? Math.Max(1, (int)Math.Ceiling(app.Scene.StorySeconds * framesPerSecond));
        var timestep = new FixedTimestep();
        app.FramesPerSecond = framesPerSecond;
        for (int i = 0; i < count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var (steps, alpha) = i == 0 ? (0, 1.0) : timestep.Advance(1.0 / framesPerSecond);
            app.Tick(steps, timestep.StepSeconds);
            app.Draw(renderer, alpha);
            recorder.Add(renderer.ReadPixels());
        }
        string? gif = recorder.Finish();
        string? mp4 = Mp4Encoder.Encode(recorder.Directory, framesPerSecond);
        return new Result(count, gif, mp4, serverTime);
    }
}
