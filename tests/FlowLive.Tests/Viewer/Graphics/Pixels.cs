extern alias viewer;
using viewer::FlowLive.Viewer.Graphics;
using Rgb = viewer::FlowLive.Imaging.Rgb;

namespace FlowLive.Tests.Viewer.Graphics;

/// <summary>Pixel questions about a read-back frame.</summary>
internal static class Pixels
{
    /// <summary>Largest per-channel difference (alpha included).</summary>
    public static int Distance(Rgba a, Rgba b) =>
        Math.Max(Math.Max(Math.Abs(a.R - b.R), Math.Abs(a.G - b.G)), Math.Max(Math.Abs(a.B - b.B), Math.Abs(a.A - b.A)));

    /// <summary>Where the frame differs from <paramref name="background"/> by more than <paramref name="tolerance"/>.</summary>
    public static List<(int X, int Y)> Ink(RgbaImage frame, Rgba background, int tolerance = 8)
    {
        var ink = new List<(int, int)>();
        for (int y = 0; y < frame.Height; y++)
            for (int x = 0; x < frame.Width; x++)
                if (Distance(frame[x, y], background) > tolerance) ink.Add((x, y));
        return ink;
    }
}
