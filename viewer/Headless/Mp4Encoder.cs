using System.Diagnostics;

namespace FlowLive.Viewer.Headless;

/// <summary>
/// MP4 from a render's PNG frames where ffmpeg is installed (it is not a dependency: without it renders stop at PNG
/// and GIF, and say so). H.264 in yuv420p, which every player and slide program takes.
/// </summary>
public static class Mp4Encoder
{
    public static string? FindFfmpeg() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "ffmpeg")).FirstOrDefault(File.Exists);

    /// <summary>Encodes frame-NNNN.png in <paramref name="directory"/>; the MP4's path, or null when ffmpeg is missing.</summary>
    public static string? Encode(string directory, double framesPerSecond)
    {
        if (FindFfmpeg() is not { } ffmpeg) return null;
        string output = Path.Combine(directory, "animation.mp4");
        var start = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = directory,
        };
        foreach (var arg in new[] { "-y", "-loglevel", "error", "-framerate", framesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-i", "frame-%04d.png", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "animation.mp4.partial.mp4" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new IOException($"ffmpeg failed ({process.ExitCode}): {errors.Trim()}");
        File.Move(Path.Combine(directory, "animation.mp4.partial.mp4"), output, overwrite: true);
        return output;
    }
}
