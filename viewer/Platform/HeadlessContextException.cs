namespace FlowLive.Viewer.Platform;

/// <summary>
/// A headless OpenGL context could not be made; <see cref="Step"/> names the call that failed (eglInitialize,
/// eglChooseConfig, ...) and the message says what is probably missing.
/// </summary>
public sealed class HeadlessContextException(string step, string message, Exception? inner = null)
    : Exception($"headless OpenGL: {step} failed: {message}", inner)
{
    public string Step { get; } = step;
}
