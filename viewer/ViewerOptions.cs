using FlowLive.Viewer.Engine;

namespace FlowLive.Viewer;

/// <summary>How the viewer starts: which servers, scene and model, and what it shows them with.</summary>
public sealed record ViewerOptions
{
    /// <summary>Server addresses ("127.0.0.1:50051"); several replicas are balanced over.</summary>
    public required IReadOnlyList<string> Servers { get; init; }
    public int Scene { get; init; }
    public string? Model { get; init; }
    public int Points { get; init; } = 100_000;
    public PointsPath PointsPath { get; init; } = PointsPath.Auto;
    public Heatmap Heatmap { get; init; } = Heatmap.Density;
    public bool Fullscreen { get; init; }
    public int Width { get; init; } = 1280;
    public int Height { get; init; } = 720;
    public string ScreenshotDirectory { get; init; } = Path.Combine(Environment.CurrentDirectory, "screenshots");
}
