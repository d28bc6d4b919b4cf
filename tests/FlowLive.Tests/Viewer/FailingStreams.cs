using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FlowLive.Tests.Viewer;

/// <summary>
/// A server fault on cue: the <see cref="FailingCall"/>-th call (counting from 1) of one server-streaming method
/// sends <see cref="MessagesFirst"/> messages and then ends with UNAVAILABLE, as a server that goes away mid-stream
/// looks to its client. Every other call runs untouched. Deterministic, unlike stopping a server at the right moment.
/// </summary>
public sealed class FailingStreams(string method, int failingCall, int messagesFirst) : Interceptor
{
    private int calls;

    public string Method { get; } = method;
    public int FailingCall { get; } = failingCall;
    public int MessagesFirst { get; } = messagesFirst;

    /// <summary>How many calls of <see cref="Method"/> the server has seen.</summary>
    public int Calls => Volatile.Read(ref calls);

    /// <summary>Installs this interceptor on a test server's host (RunningServer's host hook).</summary>
    public void Install(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(this);
        builder.Services.Configure<GrpcServiceOptions>(options => options.Interceptors.Add<FailingStreams>());
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!context.Method.EndsWith("/" + Method, StringComparison.Ordinal) || Interlocked.Increment(ref calls) != FailingCall)
            return continuation(request, responseStream, context);
        return continuation(request, new Cutting<TResponse>(responseStream, MessagesFirst), context);
    }

    private sealed class Cutting<T>(IServerStreamWriter<T> inner, int allowed) : IServerStreamWriter<T>
    {
        private int written;

        public WriteOptions? WriteOptions { get => inner.WriteOptions; set => inner.WriteOptions = value; }

        public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

        // The services write with their call's token; the interface's default for this overload refuses tokens.
        public Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            if (written++ >= allowed) throw new RpcException(new Status(StatusCode.Unavailable, "test fault: the server went away mid-stream"));
            return inner.WriteAsync(message, cancellationToken);
        }
    }
}
