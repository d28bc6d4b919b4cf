using System.Collections.Concurrent;

namespace FlowLive.Viewer.Engine;

/// <summary>
/// How network results reach the render thread: producers (gRPC streams on thread-pool threads) post actions, the
/// game loop runs them all once a frame (<see cref="ViewerApp.Tick"/>), so scenes only ever change on one thread and no lock is
/// held while drawing.
/// </summary>
public sealed class MessageQueue
{
    private readonly ConcurrentQueue<Action> pending = new();

    public void Post(Action apply) => pending.Enqueue(apply);

    /// <summary>
    /// Posts a stream's result that is dropped, unrun, should <paramref name="until"/> be cancelled before the drain:
    /// a scene left or restarted (its streams' token cancelled on the render thread) never receives what its old
    /// streams had already queued.
    /// </summary>
    public void Post(Action apply, CancellationToken until) => pending.Enqueue(() =>
    {
        if (!until.IsCancellationRequested) apply();
    });

    /// <summary>Runs what has arrived, at most <paramref name="limit"/> actions (the rest wait for the next update).</summary>
    public int Drain(int limit = int.MaxValue)
    {
        int ran = 0;
        while (ran < limit && pending.TryDequeue(out var apply))
        {
            apply();
            ran++;
        }
        return ran;
    }
}
