using FlowLive.Protos.V1;
using FlowLive.Server.Jobs;
using FlowLive.Server.Wire;
using FlowLive.Training.Presets;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace FlowLive.Server.Services;

/// <summary>
/// flowlive.v1.TrainingService (see training.proto): a thin layer over <see cref="JobManager"/>. StartTraining checks
/// the whole request and answers at once with the job QUEUED (data loading and the flow's construction happen on the
/// job's thread, and their problems fail the job with the message); a request's data.data_dir is the server's own
/// folder (FlowLive:DataDirectory), whatever the JSON says. WatchJob writes each message before taking the next, so
/// HTTP/2 flow control paces it; cancelling a watch stops only the watch, never the job.
/// </summary>
public sealed class TrainingService(JobManager jobs, IOptions<ServerOptions> options) : Protos.V1.TrainingService.TrainingServiceBase
{
    public override Task<StartTrainingResponse> StartTraining(StartTrainingRequest request, ServerCallContext context)
    {
        var plan = TrainingPlan.From(request, jobs.DataFolder, options.Value.Limits);
        return Task.FromResult(new StartTrainingResponse { Job = jobs.Start(plan).Describe() });
    }

    public override async Task WatchJob(WatchJobRequest request, IServerStreamWriter<WatchJobResponse> responses, ServerCallContext context)
    {
        var job = jobs.Get(request.JobId);
        var ct = context.CancellationToken;
        using var watch = job.Watch();
        await responses.WriteAsync(new WatchJobResponse { Job = watch.First }, ct);
        foreach (var past in watch.History) await responses.WriteAsync(past, ct);
        if (watch.LatestSnapshot is { } snapshot) await responses.WriteAsync(snapshot, ct);
        await foreach (var message in watch.Live.ReadAllAsync(ct)) await responses.WriteAsync(message, ct);
    }

    public override Task<CancelJobResponse> CancelJob(CancelJobRequest request, ServerCallContext context)
    {
        var job = jobs.Get(request.JobId);
        if (!job.Cancel())
            throw Problems.Precondition($"job '{job.Id}' has already finished ({job.State}); only queued or running jobs can be cancelled");
        return Task.FromResult(new CancelJobResponse { Job = job.Describe() });
    }

    public override Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        var response = new ListJobsResponse();
        response.Jobs.AddRange(jobs.Jobs.Select(j => j.Describe()));
        return Task.FromResult(response);
    }

    public override Task<ListPresetsResponse> ListPresets(ListPresetsRequest request, ServerCallContext context)
    {
        var response = new ListPresetsResponse();
        response.Presets.AddRange(PresetCatalog.All.Select(PresetMessages.Of));
        return Task.FromResult(response);
    }

    public override Task<GetJobResponse> GetJob(GetJobRequest request, ServerCallContext context) =>
        Task.FromResult(new GetJobResponse { Job = jobs.Get(request.JobId).Describe() });
}
