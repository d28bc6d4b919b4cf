using System.Runtime.InteropServices;

namespace FlowLive.Cli.Viewing;

/// <summary>
/// Ctrl-C and SIGTERM as a cancellation token for the viewer's window loop, so they close the window and shut the
/// in-process server down cleanly (the server's host hears them too, but only the loop can close the window).
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly PosixSignalRegistration[] registrations;

    public StopSignals()
    {
        registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Token => stop.Token;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // the loop ends and everything is disposed in order, instead of the process dying mid-frame
        stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in registrations) registration.Dispose();
        stop.Dispose();
    }
}
