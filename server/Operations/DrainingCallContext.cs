using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace FlowLive.Server.Operations;

/// <summary>
/// The call's own context with one change: its cancellation token also fires when the shutdown drain gives up, so
/// every service stops at its next await without knowing about shutdowns. Everything else (headers, status,
/// trailers, user state and with it GetHttpContext) is the original's.
/// </summary>
sealed class DrainingCallContext : ServerCallContext, IDisposable
{
    /// <summary>Where grpc-dotnet looks for the HttpContext of a context that is not its own (it needs it per call).</summary>
    private const string HttpContextKey = "__HttpContext";

    private readonly ServerCallContext inner;
    private readonly CancellationTokenSource linked;

    public DrainingCallContext(ServerCallContext inner, CancellationToken shutdown)
    {
        this.inner = inner;
        linked = CancellationTokenSource.CreateLinkedTokenSource(inner.CancellationToken, shutdown);
        inner.UserState.TryAdd(HttpContextKey, inner.GetHttpContext());
    }

    protected override string MethodCore => inner.Method;
    protected override string HostCore => inner.Host;
    protected override string PeerCore => inner.Peer;
    protected override DateTime DeadlineCore => inner.Deadline;
    protected override Metadata RequestHeadersCore => inner.RequestHeaders;
    protected override CancellationToken CancellationTokenCore => linked.Token;
    protected override Metadata ResponseTrailersCore => inner.ResponseTrailers;
    protected override AuthContext AuthContextCore => inner.AuthContext;
    protected override IDictionary<object, object> UserStateCore => inner.UserState;

    protected override Status StatusCore
    {
        get => inner.Status;
        set => inner.Status = value;
    }

    protected override WriteOptions? WriteOptionsCore
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => inner.CreatePropagationToken(options);

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => inner.WriteResponseHeadersAsync(responseHeaders);

    public void Dispose() => linked.Dispose();
}
