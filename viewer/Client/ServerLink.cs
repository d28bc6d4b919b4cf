using FlowLive.Protos.V1;
using Grpc.Net.Client;

namespace FlowLive.Viewer.Client;

/// <summary>
/// The viewer's connection to one FlowLive server (or several replicas: the channel balances over them). Channels
/// connect lazily and reconnect by themselves; what a scene sees of a missing server is a failed call, which
/// <see cref="Retrying"/> turns into an on-screen message and another attempt.
/// </summary>
public sealed class ServerLink : IDisposable
{
    private readonly GrpcChannel channel;

    public ServerLink(IReadOnlyList<string> addresses)
        : this(ViewerChannels.Create(Check(addresses).Select(Normalise).ToList()), addresses.Select(Normalise).ToList())
    {
    }

    /// <summary>Over a channel made elsewhere (tests: an in-memory server's).</summary>
    public ServerLink(GrpcChannel channel, IReadOnlyList<string> addresses)
    {
        this.channel = channel;
        Addresses = addresses;
        Models = new ModelService.ModelServiceClient(channel);
        Training = new TrainingService.TrainingServiceClient(channel);
    }

    private static IReadOnlyList<string> Check(IReadOnlyList<string> addresses) =>
        addresses.Count > 0 ? addresses : throw new ArgumentException("at least one server address", nameof(addresses));

    public IReadOnlyList<string> Addresses { get; }
    public ModelService.ModelServiceClient Models { get; }
    public TrainingService.TrainingServiceClient Training { get; }
    public string Describe => string.Join(", ", Addresses);

    /// <summary>"127.0.0.1:50051" and "localhost:50051" mean http:// (the server's default is plaintext on loopback).</summary>
    public static string Normalise(string address) =>
        address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address;

    public void Dispose() => channel.Dispose();
}
