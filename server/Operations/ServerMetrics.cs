using FlowLive.Protos.V1;
using FlowLive.Server.Compute;
using FlowLive.Server.Jobs;
using FlowLive.Server.Registry;
using Prometheus;

namespace FlowLive.Server.Operations;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (two servers in one process, as in the tests, never
/// share counts). Per-call figures are recorded by <see cref="CallObserver"/>; state (queue depth, models, jobs) is
/// read when Prometheus scrapes, so a gauge is never stale and nothing has to remember to update it.
/// </summary>
public sealed class ServerMetrics
{
    public ServerMetrics(ComputeScheduler scheduler, ModelRegistry registry, JobManager jobManager)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        DotNetStats.Register(Registry);

        Requests = factory.CreateCounter("flowlive_requests_total", "Finished rpcs by method and gRPC status (e.g. ok, not_found).",
            ["rpc", "status"]);
        Duration = factory.CreateHistogram("flowlive_request_duration_seconds", "Time from an rpc's start to its end (the whole stream for streaming rpcs).",
            new HistogramConfiguration { LabelNames = ["rpc"], Buckets = Histogram.ExponentialBuckets(0.001, 2.5, 14) });
        TimeToFirstMessage = factory.CreateHistogram("flowlive_time_to_first_message_seconds", "Time from a streaming rpc's start to its first response message.",
            new HistogramConfiguration { LabelNames = ["rpc"], Buckets = Histogram.ExponentialBuckets(0.001, 2.5, 12) });
        PointsStreamed = factory.CreateCounter("flowlive_points_streamed_total", "Points (samples, traced states, grid cells, path steps) sent in streamed responses.",
            ["rpc"]);
        BytesStreamed = factory.CreateCounter("flowlive_bytes_streamed_total", "Serialized bytes of streamed response messages.", ["rpc"]);
        var queueDepth = factory.CreateGauge("flowlive_compute_queue_depth", "Compute work items waiting or running.");
        var models = factory.CreateGauge("flowlive_models_loaded", "Hosted models by status (serving, failed).", ["status"]);
        var jobs = factory.CreateGauge("flowlive_training_jobs", "Training jobs by state (queued, running, succeeded, failed, cancelled).", ["state"]);

        Registry.AddBeforeCollectCallback(() =>
        {
            queueDepth.Set(scheduler.Depth);
            var all = registry.All;
            int serving = all.Count(m => m.IsServing);
            models.WithLabels("serving").Set(serving);
            models.WithLabels("failed").Set(all.Count - serving);
            var counts = jobManager.Jobs.CountBy(job => job.State).ToDictionary();
            foreach (var state in Enum.GetValues<JobState>().Where(s => s != JobState.Unspecified))
                jobs.WithLabels(StateLabel(state)).Set(counts.GetValueOrDefault(state));
        });
    }

    public CollectorRegistry Registry { get; }
    public Counter Requests { get; }
    public Histogram Duration { get; }
    public Histogram TimeToFirstMessage { get; }
    public Counter PointsStreamed { get; }
    public Counter BytesStreamed { get; }

    /// <summary>JOB_STATE_RUNNING as "running".</summary>
    private static string StateLabel(JobState state) => state.ToString().ToLowerInvariant();
}
