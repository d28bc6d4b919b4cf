using System.Net;
using System.Security.Cryptography;
using System.Text;
using FlowLive.Protos.Client;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace FlowLive.Server.Operations;

/// <summary>
/// Who may call. With FlowLive:ApiKey set, every rpc but health and reflection needs metadata "x-api-key" equal to
/// it (UNAUTHENTICATED otherwise). With no key, reads are open (loopback by default, or TLS/--insecure by choice) and
/// training, which spends the server's CPU for minutes and writes files, is open only on a loopback bind: anywhere
/// else it is PERMISSION_DENIED until a key is configured.
/// </summary>
public sealed class ApiKeyInterceptor : Interceptor
{
    private readonly byte[]? expectedHash;
    private readonly bool loopback;

    public ApiKeyInterceptor(IOptions<ServerOptions> options)
    {
        var settings = options.Value;
        // Hashes compare in constant time whatever the lengths (FixedTimeEquals on raw keys would leak the length).
        expectedHash = settings.ApiKey is { Length: > 0 } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;
        loopback = IPAddress.IsLoopback(ServerBinding.Address(settings));
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authorize(ServerCallContext context)
    {
        var method = context.Method;
        if (IsInfrastructure(method)) return;
        if (expectedHash is not null)
        {
            var given = context.RequestHeaders.GetValue(FlowLiveChannel.ApiKeyHeader);
            if (given is null || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), expectedHash))
                throw new RpcException(new Status(StatusCode.Unauthenticated, $"{FlowLiveChannel.ApiKeyHeader}: missing or wrong API key"));
            return;
        }
        if (!loopback && method.StartsWith($"/{FlowLiveServer.TrainingServiceName}/", StringComparison.Ordinal))
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"training on a server bound beyond loopback needs an API key: configure FlowLive:ApiKey (flowlive serve --api-key-file FILE) and send it as {FlowLiveChannel.ApiKeyHeader}"));
    }

    /// <summary>Health and reflection stay open: probes and load balancers carry no key, and they reveal nothing.</summary>
    private static bool IsInfrastructure(string method) =>
        ShutdownDrain.IsHealth(method) || method.StartsWith("/grpc.reflection.", StringComparison.Ordinal);
}
