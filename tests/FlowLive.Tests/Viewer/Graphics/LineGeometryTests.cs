extern alias viewer;
using System.Numerics;
using viewer::FlowLive.Viewer.Graphics;

namespace FlowLive.Tests.Viewer.Graphics;

/// <summary>Wide lines as triangles: the geometry the GL path draws, checked without GL.</summary>
public class LineGeometryTests
{
    [Fact]
    public void ASegmentIsAQuadHalfTheWidthEitherSideOfItsCentreLine()
    {
        var triangles = new List<Vector2>();
        LineGeometry.Triangulate([new(0, 0), new(10, 0)], 4, LineMode.Segments, triangles);

        Assert.Equal(6, triangles.Count);
        Assert.Equal([-2f, 2f], triangles.Select(p => p.Y).Distinct().Order());
        Assert.Equal([0f, 10f], triangles.Select(p => p.X).Distinct().Order());
        Assert.Equal(40, Area(triangles), 3);
    }

    [Fact]
    public void SegmentsPairPointsAndSkipZeroLengthOddAndNonFiniteOnes()
    {
        var triangles = new List<Vector2>();
        Vector2[] points = [new(0, 0), new(0, 5), new(3, 3), new(3, 3), new(1, float.NaN), new(2, 2), new(7, 7)];
        LineGeometry.Triangulate(points, 1, LineMode.Segments, triangles);

        Assert.Equal(6, triangles.Count); // only (0,0)-(0,5); the last point has no partner
        Assert.Equal(5, Area(triangles), 3);
    }

    [Fact]
    public void AStripTurningARightAngleSharesAMitredCorner()
    {
        var triangles = new List<Vector2>();
        LineGeometry.Triangulate([new(0, 0), new(10, 0), new(10, 10), new(10, 10)], 2, LineMode.Strip, triangles);

        Assert.Equal(12, triangles.Count); // two quads; the repeated last point adds nothing
        // The outer corner is the miter point (11, -1); the inner one (9, 1): both quads meet there, no gap.
        Assert.Contains(triangles, p => Vector2.Distance(p, new(11, -1)) < 1e-4f);
        Assert.Contains(triangles, p => Vector2.Distance(p, new(9, 1)) < 1e-4f);
        Assert.Equal(2 * 10 + 2 * 10, Area(triangles), 3); // no overlap, no gap
    }

    [Fact]
    public void AHairpinTurnCapsItsMiterInsteadOfShootingASpike()
    {
        var triangles = new List<Vector2>();
        LineGeometry.Triangulate([new(0, 0), new(100, 0), new(0, 1)], 2, LineMode.Strip, triangles);

        float reach = triangles.Max(p => p.X);
        Assert.InRange(reach, 100, 100 + LineGeometry.MiterLimit * 1 + 1e-3f);
    }

    [Fact]
    public void NothingIsDrawnForAZeroWidthOrASinglePoint()
    {
        var triangles = new List<Vector2>();
        LineGeometry.Triangulate([new(0, 0), new(5, 5)], 0, LineMode.Strip, triangles);
        LineGeometry.Triangulate([new(0, 0)], 3, LineMode.Strip, triangles);
        Assert.Empty(triangles);
    }

    private static float Area(List<Vector2> triangles)
    {
        float area = 0;
        for (int i = 0; i < triangles.Count; i += 3)
        {
            var (a, b, c) = (triangles[i], triangles[i + 1], triangles[i + 2]);
            area += MathF.Abs((b.X - a.X) * (c.Y - a.Y) - (c.X - a.X) * (b.Y - a.Y)) / 2;
        }
        return area;
    }
}
