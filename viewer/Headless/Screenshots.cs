using FlowLive.Viewer.Graphics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FlowLive.Viewer.Headless;

/// <summary>Screenshots (S): a PNG named by date and time in the screenshot folder, written atomically.</summary>
public static class Screenshots
{
    public static string Save(RgbaImage frame, string directory)
    {
        string path = Path.Combine(directory, $"flowlive-{DateTime.Now:yyyyMMdd-HHmmss-fff}.png");
        using var image = Image.LoadPixelData<Rgba32>(frame.Pixels, frame.Width, frame.Height);
        EncodedFile.Write(path, stream => image.SaveAsPng(stream));
        return path;
    }
}
