using System.Numerics;

namespace FlowLive.Viewer.Graphics;

/// <summary>
/// Wide lines as triangles, computed on the CPU: the core profile draws GL_LINES one pixel wide only. A segment is a
/// quad around its centre line; a strip shares mitred corners between neighbours so curves have no gaps or overlaps
/// (a translucent curve would show darker joints). Very sharp corners cap the miter at <see cref="MiterLimit"/> half
/// widths rather than shooting a spike out.
/// </summary>
internal static class LineGeometry
{
    public const float MiterLimit = 4f;

    /// <summary>Appends triangles (three corners each) covering the line to <paramref name="triangles"/>.</summary>
    public static void Triangulate(ReadOnlySpan<Vector2> points, float width, LineMode mode, List<Vector2> triangles)
    {
        if (!(width > 0)) return;
        float half = width / 2;
        if (mode == LineMode.Segments)
        {
            for (int i = 0; i + 1 < points.Length; i += 2)
                if (Normal(points[i], points[i + 1]) is { } normal)
                    AddQuad(triangles, points[i] + normal * half, points[i] - normal * half, points[i + 1] + normal * half, points[i + 1] - normal * half);
            return;
        }

        var strip = WithoutRepeats(points);
        for (int i = 0; i + 1 < strip.Count; i++)
        {
            var start = Offset(strip, i, half);
            var end = Offset(strip, i + 1, half);
            AddQuad(triangles, strip[i] + start, strip[i] - start, strip[i + 1] + end, strip[i + 1] - end);
        }
    }

    /// <summary>The offset from point <paramref name="i"/> of a strip to its left edge: a normal at the ends, a miter inside.</summary>
    private static Vector2 Offset(List<Vector2> strip, int i, float half)
    {
        var before = i > 0 ? Normal(strip[i - 1], strip[i]) : null;
        var after = i + 1 < strip.Count ? Normal(strip[i], strip[i + 1]) : null;
        if (before is not { } b) return after!.Value * half;
        if (after is not { } a) return b * half;
        var sum = a + b;
        if (sum.LengthSquared() < 1e-12f) return b * half; // the line turns straight back
        var miter = Vector2.Normalize(sum);
        float length = half / Math.Max(Vector2.Dot(miter, b), 1 / MiterLimit);
        return miter * length;
    }

    private static Vector2? Normal(Vector2 from, Vector2 to)
    {
        var along = to - from;
        float length = along.Length();
        if (!(length > 1e-6f)) return null; // zero-length or NaN: nothing to draw
        return new Vector2(-along.Y, along.X) / length;
    }

    private static List<Vector2> WithoutRepeats(ReadOnlySpan<Vector2> points)
    {
        var kept = new List<Vector2>(points.Length);
        foreach (var p in points)
            if (float.IsFinite(p.X) && float.IsFinite(p.Y) && (kept.Count == 0 || Vector2.DistanceSquared(kept[^1], p) > 1e-12f))
                kept.Add(p);
        return kept;
    }

    private static void AddQuad(List<Vector2> triangles, Vector2 startLeft, Vector2 startRight, Vector2 endLeft, Vector2 endRight)
    {
        triangles.Add(startLeft);
        triangles.Add(endLeft);
        triangles.Add(endRight);
        triangles.Add(startLeft);
        triangles.Add(endRight);
        triangles.Add(startRight);
    }
}
