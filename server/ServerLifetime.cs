using FlowLive.Devices;
using FlowLive.Server.Compute;
using FlowLive.Server.Operations;
using FlowLive.Server.Registry;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowLive.Server;

/// <summary>
/// Start-up and shutdown in one place: libtorch's thread count is set once, the models load before the first request,
/// health says SERVING. On shutdown, before Kestrel closes anything (StoppingAsync runs ahead of every StopAsync),
/// health turns NOT_SERVING so balancers move on, new calls are refused with UNAVAILABLE, running calls get
/// ShutdownSeconds to finish and are then cancelled (UNAVAILABLE too); only then does the compute queue close.
/// </summary>
sealed class ServerLifetime(IOptions<ServerOptions> options, ModelRegistry registry, ComputeScheduler scheduler,
    HealthServiceImpl health, ShutdownDrain drain, ILogger<ServerLifetime> log) : IHostedLifecycleService
{
    /// <summary>How long cancelled calls get to send their status before Kestrel closes the connections.</summary>
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(2);

    /// <summary>What health reports for the server as a whole ("") and for each of its services.</summary>
    private static readonly string[] HealthServices = ["", FlowLiveServer.ModelServiceName, FlowLiveServer.TrainingServiceName];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var threads = options.Value.TorchThreads > 0 ? options.Value.TorchThreads : 1;
        TorchSharp.torch.set_num_threads(threads);
        registry.Start();
        foreach (var service in HealthServices)
            health.SetStatus(service, HealthCheckResponse.Types.ServingStatus.Serving);
        string heap = HeapAllocator.Current();
        string? mkl = MklKernels.Current();
        log.LogInformation("serving {Count} models from {Folders} on {Device}, libtorch on {Threads} thread(s), heap {Heap}, MKL kernels {Mkl}",
            registry.All.Count(m => m.IsServing), string.Join(", ", registry.Folders), registry.Device, threads, heap, mkl ?? "none");
        if (heap == HeapAllocator.Glibc)
            log.LogWarning("running on glibc's malloc, whose heap fragments under libtorch's aligned allocations and can grow by GBs " +
                           "over repeated calls (glibc bug 30723): ./flowlive serve runs it on tcmalloc unless FLOWLIVE_ALLOCATOR=glibc");
        if (mkl == MklKernels.Generic)
            log.LogWarning("MKL runs its generic kernels on this {Vendor} CPU, its matrix products about a third slower than with the " +
                           "CPU's own: ./flowlive serve answers MKL's vendor check unless FLOWLIVE_MKL_DISPATCH=vendor", MklKernels.CpuVendor());
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        foreach (var service in HealthServices)
            health.SetStatus(service, HealthCheckResponse.Types.ServingStatus.NotServing);
        foreach (var model in registry.All) health.SetStatus(model.Name, HealthCheckResponse.Types.ServingStatus.NotServing);
        var timeout = TimeSpan.FromSeconds(options.Value.ShutdownSeconds);
        if (drain.Running > 0)
            log.LogInformation("shutting down: {Calls} calls running, waiting up to {Seconds} s for them", drain.Running, timeout.TotalSeconds);
        int cancelled = await drain.DrainAsync(timeout, CancelGrace, cancellationToken);
        if (cancelled > 0)
            log.LogWarning("shutting down: cancelled {Calls} calls still running after {Seconds} s (FlowLive:ShutdownSeconds)", cancelled, timeout.TotalSeconds);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        scheduler.BeginShutdown();
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
