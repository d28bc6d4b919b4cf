using FlowLive.Protos.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;

namespace FlowLive.Protos.Client;

/// <summary>
/// Gives the channel's round_robin balancer the replicas that are fit to call. grpc-dotnet 2.85 has no client-side
/// health checking of its own, so this resolver keeps a grpc.health.v1 Watch open to each replica (for
/// flowlive.v1.ModelService, on a connection of its own) and leaves out a replica that says NOT_SERVING, whose watch
/// broke, or that cannot be reached. A replica not heard from yet counts as fit; when none is fit, all are offered, so
/// calls fail (or retry) on the replicas' own answers rather than wait on a list that is empty.
/// </summary>
public sealed class HealthCheckedResolver : Resolver
{
    private readonly IReadOnlyList<Uri> replicas;
    private readonly Func<Uri, GrpcChannel> healthChannel;
    private readonly TimeSpan retryDelay;
    private readonly CancellationTokenSource stopping = new();
    private readonly object gate = new();
    private readonly Dictionary<Uri, bool?> serving;
    private Action<ResolverResult>? listener;

    public HealthCheckedResolver(IReadOnlyList<Uri> replicas, Func<Uri, GrpcChannel> healthChannel, TimeSpan retryDelay)
    {
        (this.replicas, this.healthChannel, this.retryDelay) = (replicas, healthChannel, retryDelay);
        serving = replicas.ToDictionary(r => r, _ => (bool?)null);
    }

    public override void Start(Action<ResolverResult> listener)
    {
        this.listener = listener;
        Publish();
        foreach (var replica in replicas) _ = WatchAsync(replica);
    }

    public override void Refresh() => Publish();

    protected override void Dispose(bool disposing)
    {
        if (disposing) stopping.Cancel();
        base.Dispose(disposing);
    }

    private async Task WatchAsync(Uri replica)
    {
        var stop = stopping.Token;
        using var channel = healthChannel(replica);
        var health = new Health.HealthClient(channel);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var call = health.Watch(new HealthCheckRequest { Service = ModelService.Descriptor.FullName }, cancellationToken: stop);
                await foreach (var update in call.ResponseStream.ReadAllAsync(stop))
                    Mark(replica, update.Status == HealthCheckResponse.Types.ServingStatus.Serving);
                Mark(replica, false); // the replica ended the watch: it is going away
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
            {
                Mark(replica, true); // no health service: its connection state is all there is to go by
                return;
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                Mark(replica, false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try { await Task.Delay(retryDelay, stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    private void Mark(Uri replica, bool fit)
    {
        lock (gate)
        {
            if (serving[replica] == fit) return;
            serving[replica] = fit;
        }
        Publish();
    }

    private void Publish()
    {
        List<BalancerAddress> offered;
        lock (gate)
        {
            var fit = replicas.Where(r => serving[r] != false).ToList();
            offered = (fit.Count > 0 ? fit : replicas).Select(r => new BalancerAddress(r.Host, r.Port)).ToList();
        }
        listener?.Invoke(ResolverResult.ForResult(offered));
    }
}

/// <summary>Makes the <see cref="HealthCheckedResolver"/> for channels addressed "flowlive-replicas:///...".</summary>
public sealed class HealthCheckedResolverFactory(IReadOnlyList<Uri> replicas, Func<Uri, GrpcChannel> healthChannel, TimeSpan retryDelay)
    : ResolverFactory
{
    public const string Scheme = "flowlive-replicas";

    public override string Name => Scheme;

    public override Resolver Create(ResolverOptions options) => new HealthCheckedResolver(replicas, healthChannel, retryDelay);
}
