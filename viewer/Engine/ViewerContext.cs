using FlowLive.Viewer.Client;

namespace FlowLive.Viewer.Engine;

/// <summary>What scenes share: the server, the queue results arrive on, the user's settings and the message line.</summary>
/// <param name="milliseconds">The clock notes fade by (tests give their own); default Environment.TickCount64.</param>
public sealed class ViewerContext(ServerLink server, MessageQueue queue, ViewerSettings settings, Func<long>? milliseconds = null)
{
    private readonly Func<long> now = milliseconds ?? (() => Environment.TickCount64);

    /// <summary>How long a note (a refusal, a hint, a saved screenshot) stays on screen.</summary>
    public static readonly TimeSpan NoteLifetime = TimeSpan.FromSeconds(8);

    private string? message;
    private object? messageCall;
    private long messageUntil = long.MaxValue;

    public ServerLink Server { get; } = server;
    public MessageQueue Queue { get; } = queue;
    public ViewerSettings Settings { get; } = settings;

    /// <summary>
    /// The message line, null when all is well. A call's fault stays until that call succeeds or is cancelled (another
    /// call's success does not hide it); a refusal, and a note, fade after <see cref="NoteLifetime"/>. Read and set on
    /// the render thread.
    /// </summary>
    public string? Message => now() < messageUntil ? message : null;

    /// <summary>Shows a note from any thread (applied at the next update); null clears the line.</summary>
    public void Report(string? note) => Queue.Post(() =>
        (message, messageCall, messageUntil) = (note, null, note is null ? long.MaxValue : now() + (long)NoteLifetime.TotalMilliseconds));

    /// <summary>Runs a server call off the render thread with retries; its results reach the scene via <see cref="Queue"/>.</summary>
    public void Start(string what, Func<CancellationToken, Task> call, CancellationToken cancellation)
    {
        var identity = new object();
        _ = Task.Run(async () =>
        {
            Retrying.Outcome outcome;
            try
            {
                outcome = await Retrying.Run(call, fault => Queue.Post(() => CallReported(identity, fault)), what, cancellation);
            }
            catch (Exception e)
            {
                // A fault of the viewer's own (what it made of the server's answer): said, not swallowed with the task.
                Queue.Post(() => CallReported(identity, $"{what}: {e.Message}"));
                outcome = Retrying.Outcome.Refused;
            }
            Queue.Post(() => CallEnded(identity, outcome));
        }, CancellationToken.None);
    }

    private void CallReported(object call, string? fault)
    {
        if (fault is not null) (message, messageCall, messageUntil) = (fault, call, long.MaxValue);
        else if (ReferenceEquals(messageCall, call)) (message, messageCall, messageUntil) = (null, null, long.MaxValue);
    }

    private void CallEnded(object call, Retrying.Outcome outcome)
    {
        if (!ReferenceEquals(messageCall, call)) return;
        // A refusal outlives its call as a note (the user should read it, but nothing will clear it); a cancelled
        // call's "retrying" is no longer true.
        if (outcome == Retrying.Outcome.Refused) (messageCall, messageUntil) = (null, now() + (long)NoteLifetime.TotalMilliseconds);
        else (message, messageCall, messageUntil) = (null, null, long.MaxValue);
    }
}
