using System.Threading.Channels;
using FlowLive.Protos.V1;
using FlowLive.Training;
using Google.Protobuf.WellKnownTypes;

namespace FlowLive.Server.Jobs;

/// <summary>
/// One training job: its state as the Job message shows it, the history of its progress (for watchers who join late),
/// its latest snapshot, and its live watchers. It observes its own run: events arrive on the training thread, become
/// messages and go to every watcher's bounded queue without waiting, so a slow watcher never slows training; when a
/// watcher's queue is full its oldest messages are dropped (it can watch again to replay the history). The finished
/// Job is always the last message a watcher gets, and the job never takes another event after it.
/// </summary>
public sealed class TrainingJob : ITrainingObserver
{
    /// <summary>Messages waiting for one watcher before the oldest are dropped.</summary>
    public const int WatcherQueue = 64;

    /// <summary>Progress messages and notices kept for late watchers; beyond this the older half is thinned to every other one.</summary>
    public const int MaxHistory = 4096;

    readonly object gate = new();
    readonly Job job;
    readonly List<WatchJobResponse> history = [];
    readonly List<Channel<WatchJobResponse>> watchers = [];
    readonly CancellationTokenSource cancellation = new();
    readonly int maxSnapshotBytes;
    WatchJobResponse? latestSnapshot;

    public TrainingJob(string id, TrainingPlan plan, string modelName, int maxSnapshotBytes)
    {
        Id = id;
        Plan = plan;
        ModelName = modelName;
        this.maxSnapshotBytes = maxSnapshotBytes;
        job = new Job
        {
            Id = id,
            State = JobState.Queued,
            Preset = plan.Preset,
            Description = $"{plan.Request.Dataset}, preparing",
            Model = modelName,
            TotalSteps = (int)Math.Min(int.MaxValue, Overrides.KnownTotalSteps(plan.Request) ?? 0), // image epochs: once the data is in
            CreatedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        };
    }

    public string Id { get; }
    public TrainingPlan Plan { get; }
    public string ModelName { get; }

    /// <summary>Fires when the job is asked to stop (CancelJob, shutdown); the run stops after its current step.</summary>
    public CancellationToken Cancellation => cancellation.Token;

    public JobState State
    {
        get { lock (gate) return job.State; }
    }

    /// <summary>Succeeded, failed or cancelled: nothing about it changes any more.</summary>
    public bool IsFinished
    {
        get { lock (gate) return IsFinal(job.State); }
    }

    /// <summary>The job as it stands (a copy).</summary>
    public Job Describe()
    {
        lock (gate) return job.Clone();
    }

    /// <summary>Asks a queued or running job to stop; false when it has already finished.</summary>
    public bool Cancel()
    {
        lock (gate)
        {
            if (IsFinal(job.State)) return false;
            cancellation.Cancel(); // nothing registers callbacks on it: the loop polls it between steps
            return true;
        }
    }

    /// <summary>
    /// A new watcher: the job as it stands, the history so far and the latest snapshot, taken together with the watcher's
    /// queue of everything after them, which ends with the finished Job (at once, for a job already finished).
    /// </summary>
    public JobWatch Watch()
    {
        var queue = Channel.CreateBounded<WatchJobResponse>(new BoundedChannelOptions(WatcherQueue)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        lock (gate)
        {
            var first = job.Clone();
            if (IsFinal(job.State))
            {
                queue.Writer.TryWrite(new WatchJobResponse { Job = job.Clone() });
                queue.Writer.Complete();
            }
            else
            {
                watchers.Add(queue);
            }
            return new JobWatch(first, [.. history], latestSnapshot, queue.Reader, () => Unwatch(queue));
        }
    }

    void Unwatch(Channel<WatchJobResponse> queue)
    {
        lock (gate) watchers.Remove(queue);
    }

    /// <summary>The run is prepared (data loaded, flow built): the one line saying what it trains.</summary>
    public void Prepared(string description)
    {
        lock (gate) job.Description = description;
    }

    public void OnEvent(TrainingEvent e)
    {
        // Conversions copy the event's arrays; they happen before the lock so watchers and callers never wait on them.
        WatchJobResponse? message = e switch
        {
            TrainingReport report => new WatchJobResponse { Progress = JobMessages.Progress(report) },
            Training.TrainingSnapshot snapshot => new WatchJobResponse { Snapshot = JobMessages.Snapshot(snapshot, maxSnapshotBytes) },
            _ => JobMessages.Notice(e) is { } notice ? new WatchJobResponse { Notice = notice } : null,
        };
        lock (gate)
        {
            if (IsFinal(job.State)) return;
            job.Step = Math.Max(job.Step, e.Step);
            switch (e)
            {
                case TrainingStarted started:
                    job.State = JobState.Running;
                    job.TotalSteps = started.TotalSteps;
                    job.Description = $"{job.Description}, {started.TotalSteps:N0} steps";
                    break;
                case TrainingReport report:
                    job.TotalSteps = report.TotalSteps;
                    job.Epoch = report.Epoch;
                    job.TrainLoss = report.TrainLoss;
                    if (report.ValidationLoss is double validation) job.ValidationLoss = validation;
                    break;
                case NewBestValidation best:
                    job.BestValidationLoss = best.ValidationLoss;
                    break;
            }
            if (message is null) return;
            if (message.EventCase == WatchJobResponse.EventOneofCase.Snapshot) latestSnapshot = message;
            else Remember(message);
            foreach (var watcher in watchers) watcher.Writer.TryWrite(message);
        }
    }

    public void Succeeded(IReadOnlyDictionary<string, double> metrics) => Finish(JobState.Succeeded, "", metrics);

    public void Failed(string error) => Finish(JobState.Failed, error, null);

    public void Cancelled() => Finish(JobState.Cancelled, "", null);

    void Finish(JobState state, string error, IReadOnlyDictionary<string, double>? metrics)
    {
        lock (gate)
        {
            if (IsFinal(job.State)) return;
            job.State = state;
            job.Error = error;
            if (metrics is not null) job.Metrics.Add(metrics.ToDictionary());
            job.FinishedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
            var last = new WatchJobResponse { Job = job.Clone() };
            foreach (var watcher in watchers)
            {
                watcher.Writer.TryWrite(last);
                watcher.Writer.Complete();
            }
            watchers.Clear();
        }
    }

    void Remember(WatchJobResponse message)
    {
        history.Add(message);
        if (history.Count < MaxHistory) return;
        // Thin the older half to every other message: the whole run stays in view at half the detail, the recent half in full.
        int half = history.Count / 2;
        var thinned = history.Take(half).Where((_, i) => i % 2 == 0).Concat(history.Skip(half)).ToList();
        history.Clear();
        history.AddRange(thinned);
    }

    static bool IsFinal(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
}

/// <summary>
/// What one watcher of a job gets: the job as it stood when watching began, the history and latest snapshot up to
/// then, and the queue of everything after (ending with the finished Job). Dispose it to stop watching.
/// </summary>
public sealed class JobWatch(Job first, IReadOnlyList<WatchJobResponse> history, WatchJobResponse? latestSnapshot,
    ChannelReader<WatchJobResponse> live, Action stop) : IDisposable
{
    public Job First { get; } = first;
    public IReadOnlyList<WatchJobResponse> History { get; } = history;
    public WatchJobResponse? LatestSnapshot { get; } = latestSnapshot;
    public ChannelReader<WatchJobResponse> Live { get; } = live;

    public void Dispose() => stop();
}
