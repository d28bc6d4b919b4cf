extern alias viewer;
using System.CommandLine;
using FlowLive.Cli.Viewing;
using viewer::FlowLive.Viewer;
using viewer::FlowLive.Viewer.Platform;

namespace FlowLive.Cli.Commands;

/// <summary>
/// `flowlive render --scene NAME --out DIR`: a viewer scene rendered offscreen through EGL (no display needed) to PNG
/// frames and an animated GIF: a whole flow-steps animation, an interpolation, a training run.
/// </summary>
public static class RenderCommand
{
    public static Command Create(TextWriter output)
    {
        var flags = new ViewerFlags();
        var outDir = new Option<DirectoryInfo>("--out") { Description = "folder for frame-NNNN.png and animation.gif", Required = true };
        var frames = new Option<int?>("--frames") { Description = "frames to render (default: the scene's whole story once)" };
        var fps = new Option<int>("--fps") { Description = "frames per second of the animation", DefaultValueFactory = _ => 20 };
        var size = new Option<string>("--size") { Description = "frame size WIDTHxHEIGHT", DefaultValueFactory = _ => "800x600" };
        var gifEvery = new Option<int>("--gif-every") { Description = "put every Nth frame in the GIF (smaller files; the PNGs keep them all)", DefaultValueFactory = _ => 2 };
        var timeout = new Option<int>("--timeout") { Description = "seconds to wait for the server's data before giving up", DefaultValueFactory = _ => 120 };
        var command = new Command("render", "render a viewer scene offscreen (EGL) to PNG frames and an animated GIF");
        flags.AddTo(command);
        foreach (var option in new Option[] { outDir, frames, fps, size, gifEvery, timeout }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var (width, height) = ParseSize(parsed.GetValue(size)!);
            if (parsed.GetValue(frames) is int n && n is < 1 or > 10_000) throw new UsageException("--frames", $"must be 1 to 10,000, got {n}");
            if (parsed.GetValue(gifEvery) is < 1 or > 100) throw new UsageException("--gif-every", $"must be 1 to 100, got {parsed.GetValue(gifEvery)}");
            if (parsed.GetValue(fps) is < 1 or > 120) throw new UsageException("--fps", $"must be 1 to 120, got {parsed.GetValue(fps)}");
            string folder = parsed.GetValue(outDir)!.FullName;
            OutputPath.Check(Path.Combine(folder, "animation.gif"), "--out", ".gif");
            var given = parsed.GetValue(flags.Server) ?? [];
            Render(output, flags.Options(parsed, given, width, height), folder, parsed.GetValue(fps), parsed.GetValue(frames),
                TimeSpan.FromSeconds(parsed.GetValue(timeout)), parsed.GetValue(gifEvery));
            return 0;
        });
        return command;
    }

    /// <summary>Renders (starting a local server when the options name none); an InvalidOperationException saying why when it cannot.</summary>
    public static void Render(TextWriter output, ViewerOptions options, string folder, int fps, int? frames, TimeSpan timeout, int gifEvery = 2)
    {
        LocalServer? local = options.Servers.Count == 0 ? LocalServer.Start() : null;
        try
        {
            var servers = local is null ? options.Servers : [local.Address];
            var result = ViewerProgram.Render(options with { Servers = servers }, folder, fps, frames, timeout, gifEvery);
            output.WriteLine($"flowlive: rendered {result.Frames} frames to {folder} (waited {result.WaitedForServer.TotalSeconds:0.0} s for the server)");
            if (result.Gif is not null) output.WriteLine($"flowlive: wrote {result.Gif}");
            output.WriteLine(result.Mp4 is not null ? $"flowlive: wrote {result.Mp4}" : "flowlive: no MP4 (install ffmpeg for one)");
        }
        catch (HeadlessContextException e)
        {
            throw new InvalidOperationException($"headless rendering needs EGL with Mesa (libegl1 libegl-mesa0 libgl1-mesa-dri): {e.Message}");
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException(e.Message);
        }
        finally
        {
            local?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], out int w) && int.TryParse(parts[1], out int h) && w is >= 64 and <= 4096 && h is >= 64 and <= 4096)
            return (w, h);
        throw new UsageException("--size", $"must be WIDTHxHEIGHT, each 64 to 4096, e.g. 800x600; got '{text}'");
    }
}
