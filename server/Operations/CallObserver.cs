using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FlowLive.Server.Operations;

/// <summary>
/// Measures every rpc once and reports it twice: to the metrics (count by status, duration, time to the first streamed
/// message, points and bytes streamed) and as one structured log line when it ends. It is the outermost interceptor,
/// so what it records is what the client saw: refusals by the API key or shutdown checks included.
/// </summary>
public sealed class CallObserver(ServerMetrics metrics, ILogger<CallObserver> log) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var call = new ObservedCall(context.Method);
        try
        {
            var response = await continuation(request, context);
            End(call, context, context.Status.StatusCode, null);
            return response;
        }
        catch (Exception e)
        {
            End(call, context, StatusOf(e, context), e);
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var call = new ObservedCall(context.Method);
        try
        {
            await continuation(request, new CountingWriter<TResponse>(responseStream, call, metrics), context);
            End(call, context, context.Status.StatusCode, null);
        }
        catch (InvalidOperationException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away (or the server is draining) while a handler we do not own, such as health's
            // Watch, was writing: the call is over, not broken. Counted as cancelled, and no error with a stack trace.
            End(call, context, StatusCode.Cancelled, null);
        }
        catch (Exception e)
        {
            End(call, context, StatusOf(e, context), e);
            throw;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var call = new ObservedCall(context.Method);
        try
        {
            var response = await continuation(requestStream, context);
            End(call, context, context.Status.StatusCode, null);
            return response;
        }
        catch (Exception e)
        {
            End(call, context, StatusOf(e, context), e);
            throw;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var call = new ObservedCall(context.Method);
        try
        {
            await continuation(requestStream, new CountingWriter<TResponse>(responseStream, call, metrics), context);
            End(call, context, context.Status.StatusCode, null);
        }
        catch (Exception e)
        {
            End(call, context, StatusOf(e, context), e);
            throw;
        }
    }

    /// <summary>The status the client sees for a handler that threw (grpc-dotnet's own mapping).</summary>
    internal static StatusCode StatusOf(Exception e, ServerCallContext context) => e switch
    {
        RpcException rpc => rpc.StatusCode,
        OperationCanceledException when context.Deadline <= DateTime.UtcNow => StatusCode.DeadlineExceeded,
        OperationCanceledException when context.CancellationToken.IsCancellationRequested => StatusCode.Cancelled,
        _ => StatusCode.Unknown,
    };

    /// <summary>NotFound as "not_found", the label Prometheus queries use.</summary>
    internal static string StatusLabel(StatusCode code) => code switch
    {
        StatusCode.OK => "ok",
        _ => string.Concat(code.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())),
    };

    private void End(ObservedCall call, ServerCallContext context, StatusCode status, Exception? error)
    {
        var seconds = call.Clock.Elapsed.TotalSeconds;
        metrics.Requests.WithLabels(call.Rpc, StatusLabel(status)).Inc();
        metrics.Duration.WithLabels(call.Rpc).Observe(seconds);
        // Health checks and reflection come often (probes, load balancers) and say little: debug, not information.
        var level = call.Rpc.StartsWith("grpc.", StringComparison.Ordinal) ? LogLevel.Debug : LogLevel.Information;
        if (status == StatusCode.Unknown) level = LogLevel.Error;
        if (!log.IsEnabled(level)) return;
        var detail = error is RpcException rpc ? rpc.Status.Detail : error?.Message ?? "";
        log.Log(level, status == StatusCode.Unknown ? error : null,
            "rpc {Rpc} {Status} in {DurationMs:F1} ms: {Messages} messages, {Points} points, {Bytes} bytes, peer {Peer} {Detail}",
            call.Rpc, StatusLabel(status), seconds * 1000, call.Messages, call.Points, call.Bytes, context.Peer, detail);
    }

    private sealed class ObservedCall(string method)
    {
        /// <summary>"flowlive.v1.ModelService/Sample" (the method without its leading slash).</summary>
        public string Rpc { get; } = method.TrimStart('/');
        public Stopwatch Clock { get; } = Stopwatch.StartNew();
        public long Messages;
        public long Points;
        public long Bytes;
    }

    /// <summary>Passes every response message on, counting it (and timing the first) on the way.</summary>
    private sealed class CountingWriter<T>(IServerStreamWriter<T> inner, ObservedCall call, ServerMetrics metrics) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

        public async Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            await inner.WriteAsync(message, cancellationToken);
            if (Interlocked.Increment(ref call.Messages) == 1)
                metrics.TimeToFirstMessage.WithLabels(call.Rpc).Observe(call.Clock.Elapsed.TotalSeconds);
            long points = StreamedPoints.In(message);
            long bytes = message is IMessage protobuf ? protobuf.CalculateSize() : 0;
            Interlocked.Add(ref call.Points, points);
            Interlocked.Add(ref call.Bytes, bytes);
            metrics.PointsStreamed.WithLabels(call.Rpc).Inc(points);
            metrics.BytesStreamed.WithLabels(call.Rpc).Inc(bytes);
        }
    }
}
