using FlowLive.Protos.Client;
using Grpc.Net.Client;

namespace FlowLive.Viewer.Client;

/// <summary>
/// The viewer's gRPC channels: model calls balanced over every address given (FlowLiveChannel: round_robin over the
/// replicas that say SERVING, retried on UNAVAILABLE); training calls to the first address only, since a job lives
/// on the replica that started it.
/// </summary>
static class ViewerChannels
{
    private const int MaxReceiveMessageSize = 8 << 20;

    public static GrpcChannel Models(IReadOnlyList<string> addresses) =>
        FlowLiveChannel.Create(addresses, new FlowLiveChannelOptions { MaxReceiveMessageSize = MaxReceiveMessageSize });

    public static GrpcChannel Training(IReadOnlyList<string> addresses) =>
        GrpcChannel.ForAddress(addresses[0], new GrpcChannelOptions { MaxReceiveMessageSize = MaxReceiveMessageSize });
}
