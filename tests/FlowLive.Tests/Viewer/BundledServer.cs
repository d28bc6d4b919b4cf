using FlowLive.Tests.Server;

namespace FlowLive.Tests.Viewer;

/// <summary>One in-memory server on the bundled models for a test class whose tests only read from it.</summary>
public sealed class BundledServer : IAsyncLifetime
{
    public RunningServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RunningServer.InMemory();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
