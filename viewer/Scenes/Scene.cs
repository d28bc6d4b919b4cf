using FlowLive.Protos.V1;
using FlowLive.Viewer.Engine;
using FlowLive.Viewer.Graphics;

namespace FlowLive.Viewer.Scenes;

/// <summary>
/// One of the viewer's scenes (number keys switch). A scene asks the server for what it shows when it is entered
/// (streams post their results to the message queue), advances its animation in <see cref="Update"/> (fixed steps)
/// and draws in <see cref="Draw"/> (interpolated by alpha). Everything runs on the render thread.
/// </summary>
public abstract class Scene : IDisposable
{
    private CancellationTokenSource? streams;

    protected ViewerContext Context { get; private set; } = null!;
    protected ModelInfo Model { get; private set; } = null!;

    /// <summary>Cancelled when the scene is left or its model changes: every stream it starts takes this token.</summary>
    protected CancellationToken Streams => streams?.Token ?? CancellationToken.None;

    public abstract string Title { get; }

    /// <summary>Why this scene cannot show <paramref name="model"/> (null when it can): e.g. flow steps need 2-D points.</summary>
    public abstract string? Refuses(ModelInfo model);

    /// <summary>The model's data are 2-D points (what the point scenes draw).</summary>
    protected static bool IsTwoD(ModelInfo model) => model.DataShape.Count == 1 && model.DataShape[0] == 2;

    /// <summary>Everything the scene asked the server for has arrived (headless renders start recording then).</summary>
    public abstract bool Ready { get; }

    /// <summary>
    /// Seconds a headless render of this scene should last to tell its whole story once (flow steps: base to data
    /// and back), at the scene's current settings.
    /// </summary>
    public virtual double StorySeconds => 6;

    /// <summary>
    /// The story unfolds in real time on the server (a training job): a headless render films it as a time-lapse, a
    /// frame per <see cref="StoryVersion"/>, until <see cref="StoryEnded"/>, instead of for <see cref="StorySeconds"/>.
    /// </summary>
    public virtual bool Live => false;

    /// <summary>A live story has reached its end (the job finished).</summary>
    public virtual bool StoryEnded => true;

    /// <summary>A live story's count of changes so far (it rises by one per change the server sent).</summary>
    public virtual int StoryVersion => 0;

    /// <summary>One line for the overlay: what is on screen now.</summary>
    public abstract string Status { get; }

    /// <summary>The scene's own keys for the help overlay.</summary>
    public virtual IEnumerable<(string Keys, string What)> Help => [];

    public void Enter(ViewerContext context, ModelInfo model)
    {
        Leave();
        (Context, Model) = (context, model);
        streams = new CancellationTokenSource();
        Started();
    }

    public void Leave()
    {
        streams?.Cancel();
        streams?.Dispose();
        streams = null;
        Stopped();
    }

    /// <summary>Asks the server again (resample, new temperature or point count).</summary>
    public void Restart()
    {
        if (Model is not null) Enter(Context, Model);
    }

    protected abstract void Started();
    protected virtual void Stopped() { }

    public abstract void Update(double seconds);
    public abstract void Draw(IRenderer2D renderer, double alpha, RectangleF area);

    /// <summary>
    /// A command for this scene; false when it does not use it (the app may then handle it). Here: N, new random draws
    /// from the server (the next seed), for every scene whose override falls back on this one.
    /// </summary>
    public virtual bool Handle(ViewerCommand command)
    {
        if (command != ViewerCommand.Resample) return false;
        Context.Settings.Seed++;
        Restart();
        return true;
    }

    public virtual void Pointer(PointerInput input, RectangleF area) { }

    public virtual void Dispose() => Leave();
}
