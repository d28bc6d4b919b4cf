using FlowLive.Viewer.Client;

namespace FlowLive.Viewer.Engine;

/// <summary>What scenes share: the server, the queue results arrive on, the user's settings and the status line.</summary>
public sealed class ViewerContext(ServerLink server, MessageQueue queue, ViewerSettings settings)
{
    public ServerLink Server { get; } = server;
    public MessageQueue Queue { get; } = queue;
    public ViewerSettings Settings { get; } = settings;

    /// <summary>The message line (a fault, a retry); null when all is well. Set only on the render thread.</summary>
    public string? Message { get; private set; }

    /// <summary>Sets the message from any thread (it is applied at the next update).</summary>
    public void Report(string? message) => Queue.Post(() => Message = message);

    /// <summary>Runs a server call off the render thread with retries; its results reach the scene via <see cref="Queue"/>.</summary>
    public void Start(string what, Func<CancellationToken, Task> call, CancellationToken cancellation) =>
        _ = Task.Run(() => Retrying.Run(call, Report, what, cancellation), CancellationToken.None);
}
