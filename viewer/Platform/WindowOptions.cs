namespace FlowLive.Viewer.Platform;

/// <summary>How <see cref="GlfwWindow"/> opens: size in screen coordinates, vsync (off to measure frame rates).</summary>
public sealed record WindowOptions(string Title = "FlowLive", int Width = 1280, int Height = 720, bool VSync = true, bool Fullscreen = false);
