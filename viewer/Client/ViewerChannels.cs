using Grpc.Net.Client;

namespace FlowLive.Viewer.Client;

/// <summary>The gRPC channel for the viewer's server addresses.</summary>
static class ViewerChannels
{
    public static GrpcChannel Create(IReadOnlyList<string> addresses) =>
        GrpcChannel.ForAddress(addresses[0], new GrpcChannelOptions { MaxReceiveMessageSize = 8 << 20 });
}
