extern alias viewer;
using FlowLive.Tests.Server;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using viewer::FlowLive.Viewer;
using viewer::FlowLive.Viewer.Client;
using viewer::FlowLive.Viewer.Engine;

namespace FlowLive.Tests.Viewer;

/// <summary>A viewer app under test and the link it talks through: disposing it disposes both.</summary>
public sealed class DrivenApp(ViewerApp app, ServerLink link) : IDisposable
{
    public ViewerApp App { get; } = app;

    public void Dispose()
    {
        App.Dispose();
        link.Dispose();
    }
}

/// <summary>Runs a viewer app tick by tick (as its game loop would) until a condition holds, or fails saying what it waited for.</summary>
public static class AppDriver
{
    /// <summary>
    /// The app as the viewer program builds it (<see cref="ViewerProgram.CreateApp"/>: every scene, <paramref name="scene"/>
    /// first) on <paramref name="server"/>, through a link of its own, run until <paramref name="ready"/> holds.
    /// </summary>
    public static async Task<DrivenApp> Start(RunningServer server, Func<ViewerApp, bool> ready, string what, int scene = 0, string? model = null,
        int points = 20_000, int seconds = 30, double stepSeconds = 1.0 / 120)
    {
        var driven = Open(LinkTo(server), new ViewerOptions { Servers = [server.Address], Scene = scene, Model = model, Points = points });
        try
        {
            await Until(driven.App, () => ready(driven.App), what, seconds, stepSeconds);
            return driven;
        }
        catch
        {
            driven.Dispose();
            throw;
        }
    }

    /// <summary>The app as the viewer program builds it, on <paramref name="link"/> (which it then owns).</summary>
    public static DrivenApp Open(ServerLink link, ViewerOptions options) => new(ViewerProgram.CreateApp(link, options), link);

    /// <param name="stepSeconds">Each tick's one fixed step; 0: no steps, so animations stand still and only messages apply.</param>
    public static async Task Until(ViewerApp app, Func<bool> done, string what, int seconds = 30, double stepSeconds = 1.0 / 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; status: {app.Scene.Status}; message: {app.Context.Message}");
            await Task.Delay(10);
            app.Tick(stepSeconds > 0 ? 1 : 0, stepSeconds);
        }
    }

    /// <summary>
    /// A link of the app's own: the server's channel belongs to the server (a shared server outlives the app), so an
    /// in-memory server gets a second channel over its handler, a Kestrel one a connection by address.
    /// </summary>
    /// <summary>A link to <paramref name="server"/> through its in-memory handler (or its address, for a Kestrel server).</summary>
    public static ServerLink LinkTo(RunningServer server) =>
        server.App.Services.GetRequiredService<IServer>() is TestServer test
            ? new ServerLink(GrpcChannel.ForAddress(test.BaseAddress, new GrpcChannelOptions { HttpHandler = test.CreateHandler() }), [server.Address])
            : new ServerLink([server.Address]);
}
