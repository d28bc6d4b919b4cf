extern alias viewer;
using System.CommandLine;
using viewer::FlowLive.Viewer;
using viewer::FlowLive.Viewer.Engine;
using viewer::FlowLive.Viewer.Scenes;

namespace FlowLive.Cli.Viewing;

/// <summary>The flags `view`, `render` and `demo` share: where the server is and what to show.</summary>
public sealed class ViewerFlags
{
    public Option<string[]> Server { get; } = new("--server")
    {
        Description = "server address(es), e.g. 127.0.0.1:50051 (several: balanced); default: a server in this process on the bundled models",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string> Scene { get; } = new Option<string>("--scene")
    {
        Description = "scene: " + string.Join(", ", SceneCatalog.Names), DefaultValueFactory = _ => "flow-steps",
    }.AcceptOnlyFromAmong([.. SceneCatalog.Names, "1", "2", "3", "4", "5", "6"]);

    public Option<string?> Model { get; } = new("--model") { Description = "model name on the server (default: the first that fits the scene)" };

    public Option<int> Points { get; } = new("--points") { Description = "points in the flow-steps cloud (2,000 to 1,000,000)", DefaultValueFactory = _ => 100_000 };

    public Option<string> PointsPath { get; } = new Option<string>("--points-path")
    {
        Description = "draw points on the CPU (splatting, fast on software GL) or the GPU (vertex shader); auto picks by renderer",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong("auto", "cpu", "gpu");

    public Option<string> Heatmap { get; } = new Option<string>("--heatmap")
    {
        Description = "flow steps' heatmap: each layer prefix's log-density, each layer's volume change (log|det|), or none",
        DefaultValueFactory = _ => "density",
    }.AcceptOnlyFromAmong("density", "volume", "none");

    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Scene);
        command.Options.Add(Model);
        command.Options.Add(Points);
        command.Options.Add(PointsPath);
        command.Options.Add(Heatmap);
    }

    public ViewerOptions Options(ParseResult parsed, IReadOnlyList<string> servers, int width = 1280, int height = 720)
    {
        int points = parsed.GetValue(Points);
        if (points is < 2_000 or > 1_000_000) throw new UsageException("--points", $"must be 2,000 to 1,000,000, got {points:N0}");
        return new ViewerOptions
        {
            Servers = servers,
            Scene = SceneCatalog.IndexOf(parsed.GetValue(Scene)!),
            Model = parsed.GetValue(Model),
            Points = points,
            PointsPath = Enum.Parse<PointsPath>(parsed.GetValue(PointsPath)!, ignoreCase: true),
            Heatmap = Enum.Parse<Heatmap>(parsed.GetValue(Heatmap)!, ignoreCase: true),
            Width = width,
            Height = height,
        };
    }
}
