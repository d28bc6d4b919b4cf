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

    /// <summary>The longest a live story is filmed (wall clock), and the most frames of it (GIF frames are held in memory).</summary>
    public static readonly TimeSpan LiveLimit = TimeSpan.FromMinutes(10);
    public const int LiveFrames = 1200;

    /// <param name="frames">
    /// Frames to record; null: the scene's whole story once (<see cref="Scenes.Scene.StorySeconds"/>; a live scene's
    /// until it ends, at most <see cref="LiveFrames"/>). For a live scene, N caps its time-lapse.
    /// </param>
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
            // A live scene takes one message a tick from the start, so what follows its first snapshot is filmed too.
            app.Tick(messages: app.Scene.Live ? 1 : int.MaxValue);
        }
        var serverTime = waited.Elapsed;
        app.FramesPerSecond = framesPerSecond;
        int recorded = app.Scene.Live && !app.Scene.StoryEnded
            ? TimeLapse(app, renderer, recorder, framesPerSecond, Math.Min(frames ?? LiveFrames, LiveFrames), cancellation)
            : Animation(app, renderer, recorder, framesPerSecond, frames ?? Math.Max(1, (int)Math.Ceiling(app.Scene.StorySeconds * framesPerSecond)), cancellation);
        string? gif = recorder.Finish();
        string? mp4 = Mp4Encoder.Encode(recorder.Directory, framesPerSecond);
        return new Result(recorded, gif, mp4, serverTime);
    }

    /// <summary>An animation on the fixed clock: <paramref name="count"/> frames, 1/fps apart.</summary>
    private static int Animation(ViewerApp app, IRenderer2D renderer, FrameRecorder recorder, double framesPerSecond, int count, CancellationToken cancellation)
    {
        var timestep = new FixedTimestep();
        for (int i = 0; i < count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var (steps, alpha) = i == 0 ? (0, 1.0) : timestep.Advance(1.0 / framesPerSecond);
            app.Tick(steps, timestep.StepSeconds);
            app.Draw(renderer, alpha);
            recorder.Add(renderer.ReadPixels());
        }
        return count;
    }

    /// <summary>
    /// A live story as a time-lapse: a frame per change the server sent (<see cref="Scenes.Scene.StoryVersion"/>: a
    /// progress report, a snapshot), however fast or slow the job runs; the end is held for a second. At most
    /// <paramref name="limit"/> frames and <see cref="LiveLimit"/> of wall clock.
    /// </summary>
    private static int TimeLapse(ViewerApp app, IRenderer2D renderer, FrameRecorder recorder, double framesPerSecond, int limit, CancellationToken cancellation)
    {
        int hold = (int)Math.Ceiling(framesPerSecond), held = 0, filmed = app.Scene.StoryVersion;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        app.Draw(renderer, 1);
        recorder.Add(renderer.ReadPixels());
        int recorded = 1;
        while (recorded < limit && held < hold && clock.Elapsed < LiveLimit)
        {
            cancellation.ThrowIfCancellationRequested();
            app.Tick(messages: 1);
            if (app.Scene.StoryVersion == filmed && !app.Scene.StoryEnded)
            {
                Thread.Sleep(10);
                continue;
            }
            filmed = app.Scene.StoryVersion;
            if (app.Scene.StoryEnded) held++;
            app.Draw(renderer, 1);
            recorder.Add(renderer.ReadPixels());
            recorded++;
        }
        return recorded;
    }
}
