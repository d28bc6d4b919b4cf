using FlowLive.Viewer.Graphics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;

namespace FlowLive.Viewer.Headless;

/// <summary>
/// Frames of a headless render: each written as a PNG as it comes (frame-0000.png, ...), and, at the end, an animated
/// GIF of every <see cref="GifEvery"/>-th frame (GIFs are for sharing: a README, a slide) through ImageSharp. Files
/// are written whole (<see cref="EncodedFile"/>), so a reader never sees half a frame.
/// </summary>
public sealed class FrameRecorder : IDisposable
{
    private readonly List<Image<Rgba32>> gifFrames = [];
    private readonly int gifDelay;
    private int frame;

    public FrameRecorder(string directory, double framesPerSecond, int gifEvery = 2)
    {
        Directory = directory;
        GifEvery = Math.Max(1, gifEvery);
        System.IO.Directory.CreateDirectory(directory);
        // An earlier, longer render into the same folder would leave its last frames behind, and the MP4 (ffmpeg reads
        // frame-%04d.png until the numbers stop) would end with them.
        foreach (var stale in System.IO.Directory.EnumerateFiles(directory, "frame-*.png")) File.Delete(stale);
        gifDelay = Math.Max(2, (int)Math.Round(100.0 * GifEvery / framesPerSecond)); // GIF delays are in 1/100 s
    }

    public string Directory { get; }
    public int GifEvery { get; }
    public int Frames => frame;
    public string GifPath => Path.Combine(Directory, "animation.gif");
    public void Add(RgbaImage image)
    {
        using var picture = Image.LoadPixelData<Rgba32>(image.Pixels, image.Width, image.Height);
        EncodedFile.Write(Path.Combine(Directory, $"frame-{frame:D4}.png"), stream => picture.SaveAsPng(stream));
        if (frame % GifEvery == 0) gifFrames.Add(picture.Clone());
        frame++;
    }

    /// <summary>Writes the GIF of the frames so far; returns its path (null when there were no frames).</summary>
    public string? Finish()
    {
        if (gifFrames.Count == 0) return null;
        using var animation = gifFrames[0].Clone();
        animation.Metadata.GetGifMetadata().RepeatCount = 0;
        animation.Frames.RootFrame.Metadata.GetGifMetadata().FrameDelay = gifDelay;
        foreach (var next in gifFrames.Skip(1))
        {
            var added = animation.Frames.AddFrame(next.Frames.RootFrame);
            added.Metadata.GetGifMetadata().FrameDelay = gifDelay;
        }
        EncodedFile.Write(GifPath, stream => animation.SaveAsGif(stream, new GifEncoder { ColorTableMode = GifColorTableMode.Local }));
        return GifPath;
    }

    public void Dispose()
    {
        foreach (var f in gifFrames) f.Dispose();
        gifFrames.Clear();
    }
}
