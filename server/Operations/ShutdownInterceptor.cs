using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FlowLive.Server.Operations;

/// <summary>
/// Puts every call under the <see cref="ShutdownDrain"/>: refused with UNAVAILABLE once the server is shutting down,
/// and otherwise run with a cancellation token that also fires when the drain gives up on it, which the call then
/// answers with UNAVAILABLE (retry elsewhere) rather than CANCELLED (which a client reads as its own doing).
/// Streams stop between messages: grpc-dotnet resets the whole HTTP/2 stream (CANCEL, no status) when a write is
/// cancelled half-way, so a write waiting on a slow reader is left to the client's own cancellation, and the next
/// write after the drain gave up answers UNAVAILABLE instead.
/// </summary>
public sealed class ShutdownInterceptor(ShutdownDrain drain) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        using var call = Enter(context);
        using var scoped = new DrainingCallContext(context, drain.Cancellation);
        try { return await continuation(request, scoped); }
        catch (Exception e) when (CutShort(e, context)) { throw CutShortError(); }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var call = Enter(context);
        using var scoped = new DrainingCallContext(context, drain.Cancellation);
        try { await continuation(request, Writer(responseStream, context, scoped), scoped); }
        catch (Exception e) when (CutShort(e, context)) { throw CutShortError(); }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var call = Enter(context);
        using var scoped = new DrainingCallContext(context, drain.Cancellation);
        try { return await continuation(requestStream, scoped); }
        catch (Exception e) when (CutShort(e, context)) { throw CutShortError(); }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var call = Enter(context);
        using var scoped = new DrainingCallContext(context, drain.Cancellation);
        try { await continuation(requestStream, Writer(responseStream, context, scoped), scoped); }
        catch (Exception e) when (CutShort(e, context)) { throw CutShortError(); }
    }

    /// <summary>Health watches write on: their last message, NOT_SERVING, is the one a balancer waits for.</summary>
    private IServerStreamWriter<T> Writer<T>(IServerStreamWriter<T> responses, ServerCallContext context, ServerCallContext scoped) =>
        ShutdownDrain.IsHealth(context.Method) ? responses : new BetweenMessages<T>(responses, context, scoped, drain);

    private IDisposable Enter(ServerCallContext context) =>
        drain.TryEnter(context.Method) ?? throw new RpcException(new Status(StatusCode.Unavailable, "the server is shutting down; retry (on another replica)"));

    /// <summary>Cancelled by the drain, not by the client or its deadline.</summary>
    private bool CutShort(Exception e, ServerCallContext context) =>
        drain.Cancellation.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested
        && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled };

    private static RpcException CutShortError() =>
        new(new Status(StatusCode.Unavailable, "the server shut down before the call finished (FlowLive:ShutdownSeconds); retry (on another replica)"));

    /// <summary>Writes that the drain stops before a message, never inside one.</summary>
    private sealed class BetweenMessages<T>(IServerStreamWriter<T> inner, ServerCallContext original, ServerCallContext scoped, ShutdownDrain drain)
        : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            if (drain.Cancellation.IsCancellationRequested) throw CutShortError();
            // The call's own token, drain included, would cancel a write half-way: hand the client's token instead.
            var token = cancellationToken == scoped.CancellationToken ? original.CancellationToken : cancellationToken;
            return inner.WriteAsync(message, token);
        }
    }
}
