namespace FlowLive.Server.Operations;

/// <summary>
/// The calls in flight, for a graceful shutdown: once draining starts, new calls are refused (UNAVAILABLE, so a
/// balanced client retries on another replica), running ones get up to FlowLive:ShutdownSeconds to finish, and
/// whatever still runs then is cancelled (and answers UNAVAILABLE). Health calls are let through and never waited
/// for: a load balancer must still see NOT_SERVING, and a Watch stream would otherwise hold every shutdown to its
/// full timeout.
/// </summary>
public sealed class ShutdownDrain : IDisposable
{
    private readonly CancellationTokenSource cancelled = new();
    private readonly object gate = new();
    private int running;
    private bool draining;
    private TaskCompletionSource idle = Idle();

    /// <summary>Cancelled when the drain gives up on the calls still running.</summary>
    public CancellationToken Cancellation => cancelled.Token;

    public bool IsDraining
    {
        get { lock (gate) return draining; }
    }

    public int Running
    {
        get { lock (gate) return running; }
    }

    /// <summary>
    /// Counts a call in (dispose the result when it ends); null when the server is draining and the call must be
    /// refused. Health calls are never counted or refused.
    /// </summary>
    public IDisposable? TryEnter(string method)
    {
        if (IsHealth(method)) return NotCounted.Instance;
        lock (gate)
        {
            if (draining) return null;
            if (running++ == 0) idle = Idle();
            return new Counted(this);
        }
    }

    /// <summary>grpc.health.v1 calls: let through while draining, never waited for (a Watch only ends when cancelled).</summary>
    public static bool IsHealth(string method) => method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal);

    /// <summary>
    /// Stops taking calls, waits up to <paramref name="timeout"/> for the running ones, then cancels what is left and
    /// gives those <paramref name="grace"/> to answer. Returns how many calls had to be cancelled.
    /// </summary>
    public async Task<int> DrainAsync(TimeSpan timeout, TimeSpan grace, CancellationToken stop)
    {
        Task wait;
        lock (gate)
        {
            draining = true;
            wait = running == 0 ? Task.CompletedTask : idle.Task;
        }
        await WaitAsync(wait, timeout, stop);
        int left = Running;
        await cancelled.CancelAsync();
        if (left > 0) await WaitAsync(IdleTask(), grace, stop);
        return left;
    }

    public void Dispose() => cancelled.Dispose();

    private Task IdleTask()
    {
        lock (gate) return running == 0 ? Task.CompletedTask : idle.Task;
    }

    private static async Task WaitAsync(Task task, TimeSpan timeout, CancellationToken stop)
    {
        try { await task.WaitAsync(timeout, stop); }
        catch (TimeoutException) { }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    private void Leave()
    {
        TaskCompletionSource? done = null;
        lock (gate)
        {
            if (--running == 0) done = idle;
        }
        done?.TrySetResult();
    }

    private static TaskCompletionSource Idle() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Counted(ShutdownDrain drain) : IDisposable
    {
        private int left;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref left, 1) == 0) drain.Leave();
        }
    }

    private sealed class NotCounted : IDisposable
    {
        public static readonly NotCounted Instance = new();
        public void Dispose() { }
    }
}
