extern alias viewer;
using System.CommandLine;
using FlowLive.Cli.Viewing;
using viewer::FlowLive.Viewer;
using viewer::FlowLive.Viewer.Platform;

namespace FlowLive.Cli.Commands;

/// <summary>
/// `flowlive view`: the real-time viewer in a window, on a server given by --server or, by default, one started in
/// this process on the bundled models. Needs a display (X11 or Xvfb); `flowlive render` is the headless way.
/// </summary>
public static class ViewCommand
{
    public static Command Create(TextWriter output)
    {
        var flags = new ViewerFlags();
        var fullscreen = new Option<bool>("--fullscreen") { Description = "start fullscreen (F toggles), e.g. on a projector" };
        var command = new Command("view", "open the real-time viewer (a window): flow steps, density, digits, interpolation, live training");
        flags.AddTo(command);
        command.Options.Add(fullscreen);
        command.SetAction(parsed =>
        {
            var given = parsed.GetValue(flags.Server) ?? [];
            // Flags and the display first: a usage error must not wait for every bundled model to load.
            var options = flags.Options(parsed, given) with { Fullscreen = parsed.GetValue(fullscreen) };
            if (given.Length == 0 && !GlfwWindow.HasDisplay)
                throw new InvalidOperationException("no display (DISPLAY is not set): use `flowlive render` for headless frames and a GIF");
            LocalServer? local = given.Length == 0 ? LocalServer.Start() : null;
            try
            {
                if (local is not null) options = options with { Servers = [local.Address] };
                output.WriteLine($"flowlive: viewer on {string.Join(", ", options.Servers)} (H for help, Esc to quit)");
                using var signals = new StopSignals();
                ViewerProgram.Window(options, cancellation: signals.Token);
                return 0;
            }
            catch (WindowUnavailableException e)
            {
                throw new InvalidOperationException(e.Message);
            }
            finally
            {
                local?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });
        return command;
    }
}
