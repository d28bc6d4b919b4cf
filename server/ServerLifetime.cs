using FlowLive.Server.Compute;
using FlowLive.Server.Registry;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowLive.Server;

/// <summary>
/// Start-up and shutdown in one place: libtorch's thread count is set once, the models load before the first request,
/// health says SERVING; on shutdown health turns NOT_SERVING and the compute queue refuses new work (UNAVAILABLE)
/// while running streams finish or see their cancellation.
/// </summary>
sealed class ServerLifetime(IOptions<ServerOptions> options, ModelRegistry registry, ComputeScheduler scheduler,
    HealthServiceImpl health, ILogger<ServerLifetime> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var threads = options.Value.TorchThreads > 0 ? options.Value.TorchThreads : 1;
        TorchSharp.torch.set_num_threads(threads);
        registry.Start();
        foreach (var service in new[] { "", FlowLiveServer.ModelServiceName, FlowLiveServer.TrainingServiceName })
            health.SetStatus(service, HealthCheckResponse.Types.ServingStatus.Serving);
        log.LogInformation("serving {Count} models from {Folders} on {Device}, libtorch on {Threads} thread(s)",
            registry.All.Count(m => m.IsServing), string.Join(", ", registry.Folders), registry.Device, threads);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var service in new[] { "", FlowLiveServer.ModelServiceName, FlowLiveServer.TrainingServiceName })
            health.SetStatus(service, HealthCheckResponse.Types.ServingStatus.NotServing);
        foreach (var model in registry.All) health.SetStatus(model.Name, HealthCheckResponse.Types.ServingStatus.NotServing);
        scheduler.BeginShutdown();
        return Task.CompletedTask;
    }
}
