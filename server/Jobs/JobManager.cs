using FlowLive.Data;
using FlowLive.Models;
using FlowLive.Protos.V1;
using FlowLive.Server.Registry;
using FlowLive.Server.Wire;
using FlowLive.Training;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowLive.Server.Jobs;

/// <summary>
/// The server's training jobs, the only state it keeps besides its models. Each job trains on a thread of its own,
/// never on the compute scheduler (which serves requests): it prepares (loads the data, builds the flow) while QUEUED,
/// trains while RUNNING, and on success writes its model atomically into the jobs folder and adds it to the registry
/// before it reports SUCCEEDED, so the model is listed by then. At most Limits:MaxConcurrentJobs jobs are queued or
/// running at once (more is RESOURCE_EXHAUSTED); finished jobs are forgotten oldest first beyond Limits:MaxKeptJobs.
/// When the server stops, every job is cancelled (it ends CANCELLED, its watchers' streams end) and new ones are
/// UNAVAILABLE.
/// </summary>
public sealed class JobManager : IDisposable
{
    /// <summary>How long disposal waits for cancelled jobs to finish their current step.</summary>
    static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    readonly object gate = new();
    readonly List<(TrainingJob Job, Task Training)> jobs = []; // oldest first
    readonly ServerLimits limits;
    readonly string jobsFolder;
    readonly string dataFolder;
    readonly ModelRegistry registry;
    readonly ILogger<JobManager> log;
    readonly CancellationTokenRegistration onStopping;
    int lastId;
    bool stopping;

    public JobManager(IOptions<ServerOptions> options, ModelRegistry registry, IHostApplicationLifetime lifetime, ILogger<JobManager> log)
    {
        var settings = options.Value;
        limits = settings.Limits;
        jobsFolder = ModelRegistry.JobsFolder(settings);
        dataFolder = Path.GetFullPath(settings.DataDirectory);
        this.registry = registry;
        this.log = log;
        onStopping = lifetime.ApplicationStopping.Register(() => Stop("the server is shutting down"));
    }

    /// <summary>The folder image datasets are read from (the plans' data_dir).</summary>
    public string DataFolder => dataFolder;

    /// <summary>Jobs queued or running (holding one of the Limits:MaxConcurrentJobs slots).</summary>
    public int RunningCount
    {
        get { lock (gate) return jobs.Count(j => !j.Job.IsFinished); }
    }

    /// <summary>Every kept job, newest first.</summary>
    public IReadOnlyList<TrainingJob> Jobs
    {
        get { lock (gate) return jobs.Select(j => j.Job).Reverse().ToList(); }
    }

    /// <summary>The job <paramref name="id"/>: INVALID_ARGUMENT when none is given, NOT_FOUND naming it when there is no such job.</summary>
    public TrainingJob Get(string id)
    {
        if (string.IsNullOrWhiteSpace(id)) throw Problems.Invalid("job_id", "is required (see ListJobs)");
        lock (gate)
        {
            return jobs.Select(j => j.Job).FirstOrDefault(j => j.Id == id)
                   ?? throw Problems.NotFound("job", id, $"{jobs.Count} jobs are kept; see ListJobs");
        }
    }

    /// <summary>
    /// Starts a job for <paramref name="plan"/> and returns it QUEUED: UNAVAILABLE while the server stops,
    /// RESOURCE_EXHAUSTED at the cap, INVALID_ARGUMENT naming model_name when that name is hosted or another job's.
    /// </summary>
    public TrainingJob Start(TrainingPlan plan)
    {
        lock (gate)
        {
            if (stopping) throw Problems.Unavailable("the server is shutting down; it starts no training jobs");
            int active = jobs.Count(j => !j.Job.IsFinished);
            if (active >= limits.MaxConcurrentJobs)
                throw Problems.OverCap("training jobs", $"Limits:MaxConcurrentJobs = {limits.MaxConcurrentJobs}",
                    $"{active} already queued or running; wait for one to finish (WatchJob) or cancel it");
            string id = $"job-{lastId + 1}";
            string name = plan.ModelName ?? $"{plan.Preset}-{id}";
            if (registry.Contains(name))
                throw Problems.Invalid("model_name", plan.ModelName is null
                    ? $"the default name '{name}' is already hosted (a model of an earlier server run?); give another model_name"
                    : $"a model named '{name}' is already hosted; choose another name");
            if (jobs.FirstOrDefault(j => !j.Job.IsFinished && j.Job.ModelName == name).Job is { } other)
                throw Problems.Invalid("model_name", $"'{name}' is the model {other.Id} is training; choose another name");
            lastId++;
            var job = new TrainingJob(id, plan with { Request = plan.Request with { Name = name } }, name, limits.MaxMessageBytes / 4);
            var training = Task.Factory.StartNew(() => Train(job), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            jobs.Add((job, training));
            Forget();
            log.LogInformation("{Job}: training {Preset} into model {Model}", id, plan.Preset, name);
            return job;
        }
    }

    /// <summary>Prepares, trains and publishes one job on its own thread; every outcome ends the job, none escapes.</summary>
    void Train(TrainingJob job)
    {
        var preparation = new StringWriter();
        try
        {
            using var run = TrainingRun.Prepare(job.Plan.Request, (name, dir) => ImageDatasets.Load(name, dir, preparation));
            foreach (var line in preparation.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                log.LogInformation("{Job}: {Line}", job.Id, line);
            job.Prepared(run.Description);
            job.Cancellation.ThrowIfCancellationRequested();
            using var result = run.Run(job, job.Cancellation, snapshots: job.Plan.Snapshots);
            // A cancel that came with the last step still means "no model".
            job.Cancellation.ThrowIfCancellationRequested();
            Publish(job, result);
            job.Succeeded(result.Metrics.ToDictionary());
            log.LogInformation("{Job}: succeeded; model {Model}: {Summary}", job.Id, job.ModelName, result.Metrics.Summary());
        }
        catch (OperationCanceledException) when (job.Cancellation.IsCancellationRequested)
        {
            job.Cancelled();
            log.LogInformation("{Job}: cancelled", job.Id);
        }
        catch (Exception e)
        {
            // The request's own problems (bad data, missing files, divergence) are the job's error; anything else is
            // also a server bug worth its stack trace in the log.
            bool expected = e is ArgumentException or TrainingDivergedException or DataFileException or IOException
                or InvalidDataException or UnauthorizedAccessException or ModelFileException or InvalidOperationException;
            if (expected) log.LogWarning("{Job}: failed: {Error}", job.Id, e.Message);
            else log.LogError(e, "{Job}: failed", job.Id);
            job.Failed(expected ? e.Message : $"unexpected {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Writes the model into the jobs folder and hosts it now; a model that does not serve is removed and fails the job.</summary>
    void Publish(TrainingJob job, TrainingResult result)
    {
        string path = Path.Combine(jobsFolder, job.ModelName + ModelFile.Extension);
        if (registry.Contains(job.ModelName))
            throw new InvalidOperationException($"a model named '{job.ModelName}' appeared while the job trained; the trained model was not written");
        ModelFile.Save(path, result.Spec, result.Flow); // the spec is named after the model: the plan set the request's name
        var hosted = registry.LoadNow(path);
        if (hosted.IsServing) return;
        File.Delete(path);
        registry.Rescan();
        throw new InvalidDataException($"the trained model cannot be served: {hosted.Error}");
    }

    /// <summary>Drops the oldest finished jobs beyond Limits:MaxKeptJobs (queued and running ones are always kept).</summary>
    void Forget()
    {
        int excess = jobs.Count - Math.Max(0, limits.MaxKeptJobs);
        for (int i = 0; i < jobs.Count && excess > 0;)
        {
            if (jobs[i].Job.IsFinished)
            {
                jobs.RemoveAt(i);
                excess--;
            }
            else i++;
        }
    }

    /// <summary>Refuses new jobs and cancels every queued or running one.</summary>
    void Stop(string why)
    {
        List<TrainingJob> active;
        lock (gate)
        {
            stopping = true;
            active = jobs.Select(j => j.Job).Where(j => !j.IsFinished).ToList();
        }
        foreach (var job in active)
            if (job.Cancel()) log.LogInformation("{Job}: cancelling: {Why}", job.Id, why);
    }

    public void Dispose()
    {
        onStopping.Dispose();
        Stop("the server is stopping");
        Task[] training;
        lock (gate) training = jobs.Select(j => j.Training).ToArray();
        // Jobs stop after their current step; waiting here keeps their threads off the registry and libtorch as both go away.
        if (!Task.WaitAll(training, StopWait))
            log.LogWarning("training jobs still running {Seconds} s after the server stopped", StopWait.TotalSeconds);
    }
}
