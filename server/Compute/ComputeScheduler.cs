using System.Threading.Channels;
using FlowLive.Server.Wire;
using Grpc.Core;
using static TorchSharp.torch;

namespace FlowLive.Server.Compute;

/// <summary>
/// The one place the server computes with TorchSharp: a bounded queue served by a few dedicated threads, so request
/// threads never block on libtorch and a burst of requests waits in line instead of oversubscribing the cores.
/// Every work item runs inside its own dispose scope and must return managed values only (arrays, numbers): no tensor
/// outlives its item and no scope ever spans an <c>await</c>. A full queue is RESOURCE_EXHAUSTED; after shutdown
/// begins, UNAVAILABLE.
/// </summary>
public sealed class ComputeScheduler : IDisposable
{
    private readonly Channel<WorkItem> queue;
    private readonly Thread[] workers;
    private readonly int capacity;
    private readonly long[] liveTensors;
    private int queued;
    private volatile bool stopping;

    public ComputeScheduler(int workerCount, int capacity)
    {
        if (workerCount < 1) throw new ArgumentOutOfRangeException(nameof(workerCount), workerCount, "at least one worker");
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "at least one queued item");
        this.capacity = capacity;
        queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = workerCount == 1 });
        liveTensors = new long[workerCount];
        workers = Enumerable.Range(0, workerCount)
            .Select(i => new Thread(() => Work(i)) { IsBackground = true, Name = $"flowlive-compute-{i}" }).ToArray();
        foreach (var worker in workers) worker.Start();
    }

    /// <summary>The compute threads.</summary>
    public int Workers => workers.Length;

    /// <summary>Work items waiting or running (the queue-depth metric).</summary>
    public int Depth => Volatile.Read(ref queued);

    /// <summary>
    /// Tensors alive that the compute threads created, as each saw it after its last item. TorchSharp counts per
    /// thread, and every request's tensors are made here (models load elsewhere), so this is the server's leak gauge:
    /// it stays at zero between requests.
    /// </summary>
    public long LiveTensors
    {
        get
        {
            long total = 0;
            for (int i = 0; i < liveTensors.Length; i++) total += Interlocked.Read(ref liveTensors[i]);
            return total;
        }
    }

    /// <summary>Fired with the queue depth whenever it changes (for metrics).</summary>
    public event Action<int>? DepthChanged;

    /// <summary>
    /// Runs <paramref name="work"/> on a compute thread. Cancelled before it starts, it never runs; once running, it
    /// should check <paramref name="cancellation"/> between batches (it is passed in).
    /// </summary>
    public Task<T> Run<T>(Func<CancellationToken, T> work, CancellationToken cancellation)
    {
        if (stopping) throw Problems.Unavailable("the server is shutting down");
        cancellation.ThrowIfCancellationRequested();
        if (Interlocked.Increment(ref queued) > capacity)
        {
            Interlocked.Decrement(ref queued);
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"the compute queue is full ({capacity} requests waiting, Limits:MaxQueuedWork); retry later"));
        }
        DepthChanged?.Invoke(Depth);
        var item = new WorkItem<T>(work, cancellation);
        if (!queue.Writer.TryWrite(item))
        {
            Finished();
            throw Problems.Unavailable("the server is shutting down");
        }
        return item.Task;
    }

    /// <summary>Stops taking work; what is queued still runs (or sees its cancellation).</summary>
    public void BeginShutdown()
    {
        stopping = true;
        queue.Writer.TryComplete();
    }

    public void Dispose()
    {
        BeginShutdown();
        foreach (var worker in workers) worker.Join(TimeSpan.FromSeconds(10));
    }

    private void Work(int index)
    {
        var reader = queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var item))
                item.Execute(finished: () =>
                {
                    Interlocked.Exchange(ref liveTensors[index], TorchSharp.DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount);
                    Finished();
                });
        }
    }

    private void Finished()
    {
        // Decrement first: with `DepthChanged?.Invoke(Interlocked.Decrement(...))` the decrement would be skipped
        // whenever nobody listens (a null-conditional call does not evaluate its arguments).
        int depth = Interlocked.Decrement(ref queued);
        DepthChanged?.Invoke(depth);
    }

    private abstract class WorkItem
    {
        /// <summary>Runs the work, calls <paramref name="finished"/> once, then completes the caller's task.</summary>
        public abstract void Execute(Action finished);
    }

    private sealed class WorkItem<T>(Func<CancellationToken, T> work, CancellationToken cancellation) : WorkItem
    {
        private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => completion.Task;

        public override void Execute(Action finished)
        {
            // The depth comes down before the caller learns the outcome: a stream's next item, queued as soon as it
            // does, must not find this one still counted (with a small cap it would be refused by its own past).
            T result = default!;
            Exception? error = null;
            bool cancelled = cancellation.IsCancellationRequested;
            try
            {
                if (!cancelled)
                {
                    using var scope = NewDisposeScope();
                    using var _ = no_grad();
                    result = work(cancellation);
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                cancelled = true;
            }
            catch (Flows.Layers.FixedPointNotConvergedException e)
            {
                // An i-ResNet inverse that diverges (a point far outside the data): the input's fault, not the server's.
                error = new RpcException(new Status(StatusCode.OutOfRange,
                    $"latents: no finite latent was found for this input (non-finite inverse iteration): {e.Message}"));
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                finished();
            }
            if (cancelled) completion.TrySetCanceled(cancellation);
            else if (error is not null) completion.TrySetException(error);
            else completion.TrySetResult(result);
        }
    }
}
