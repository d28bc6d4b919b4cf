namespace FlowLive.Viewer.Platform;

/// <summary>
/// No window can be opened here (no display, no libglfw, no OpenGL 3.3); the message says what is missing and what to
/// do instead, so the CLI can print it as it is.
/// </summary>
public sealed class WindowUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    public const string NoDisplay = "no display: set DISPLAY or use `flowlive render` for headless output";
}
