extern alias viewer;
using System.Numerics;
using viewer::FlowLive.Viewer.Graphics;
using viewer::FlowLive.Viewer.Rendering;

namespace FlowLive.Tests.Viewer.Engine;

public sealed class SplattingTests
{
    private static PointStates States(params (float X, float Y)[] points)
    {
        var states = new PointStates(points.Length);
        states.Fill(0, points.SelectMany(p => new[] { p.X, p.Y }).ToArray());
        return states;
    }

    [Fact]
    public void A_point_lands_on_its_pixel_with_its_colour_and_the_rest_stays_transparent()
    {
        var image = new RgbaImage(20, 10);
        var view = ViewTransform.Fit(-1, 1, -1, 1, new RectangleF(0, 0, 20, 10));
        var points = States((0.5f, 0.5f));
        new PointSplatter().Splat(points, points, 0, [new Rgba(200, 10, 30)], 1, view, image, footprint: 1);
        var pixel = view.ToPixels(new Vector2(0.5f, 0.5f));
        var ink = image[(int)pixel.X, (int)pixel.Y];
        Assert.Equal((200, 10, 30), (ink.R, ink.G, ink.B));
        Assert.True(ink.A > 0);
        int inked = 0;
        for (int y = 0; y < 10; y++) for (int x = 0; x < 20; x++) if (image[x, y].A > 0) inked++;
        Assert.Equal(1, inked);
        Assert.True(pixel.Y < 5, "y grows upwards in data, downwards in pixels");
    }

    [Fact]
    public void Points_outside_the_views_viewport_are_not_drawn_even_inside_the_image()
    {
        // A plot in the left half of the image: a point of its data beyond the plot's edge (over a legend, say) is
        // clipped, as the GPU path clips to the viewport.
        var image = new RgbaImage(40, 20);
        var view = new ViewTransform(Vector2.Zero, 10, new RectangleF(0, 0, 20, 20));
        var points = States((0.5f, 0f), (1.5f, 0f)); // pixels x = 15 (inside) and x = 25 (outside, in the image)
        new PointSplatter().Splat(points, points, 0, [new Rgba(200, 10, 30), new Rgba(10, 200, 30)], 2, view, image, footprint: 1);
        Assert.True(image[15, 10].A > 0);
        int inkedOutside = 0;
        for (int y = 0; y < 20; y++) for (int x = 20; x < 40; x++) if (image[x, y].A > 0) inkedOutside++;
        Assert.Equal(0, inkedOutside);
    }

    [Fact]
    public void Points_are_interpolated_between_states()
    {
        var image = new RgbaImage(101, 101);
        var view = ViewTransform.Fit(-1, 1, -1, 1, new RectangleF(0, 0, 101, 101));
        var from = States((-0.8f, 0f));
        var to = States((0.8f, 0f));
        var splatter = new PointSplatter();
        foreach (var (t, x) in new[] { (0f, -0.8f), (0.5f, 0f), (1f, 0.8f) })
        {
            splatter.Splat(from, to, t, [Rgba.White], 1, view, image, footprint: 1);
            var expected = view.ToPixels(new Vector2(x, 0));
            Assert.True(image[(int)expected.X, (int)expected.Y].A > 0, $"ink at t = {t}");
        }
    }

    [Theory]
    [InlineData(10_007)]  // one lane, across SIMD blocks
    [InlineData(300_001)] // split across lanes (threads), merged when resolving
    public void Many_points_are_splatted_exactly_as_one_at_a_time_would_be(int n)
    {
        var random = new Random(3);
        var pts = Enumerable.Range(0, n).Select(_ => ((float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1))).ToArray();
        var states = States(pts);
        var colours = Enumerable.Range(0, n).Select(i => new Rgba((byte)(i % 256), 0, 0)).ToArray();
        var view = ViewTransform.Fit(-1, 1, -1, 1, new RectangleF(0, 0, 64, 64));
        var image = new RgbaImage(64, 64);
        new PointSplatter().Splat(states, states, 0.3f, colours, n, view, image, footprint: 1);
        var counts = new int[64 * 64];
        var red = new long[64 * 64];
        for (int i = 0; i < n; i++)
        {
            var p = view.ToPixels(new Vector2(pts[i].Item1, pts[i].Item2));
            if (p.X < 0 || p.Y < 0 || p.X >= 64 || p.Y >= 64) continue;
            int k = (int)p.Y * 64 + (int)p.X;
            counts[k]++;
            red[k] += colours[i].R;
        }
        for (int k = 0; k < counts.Length; k++)
        {
            Assert.Equal(counts[k] > 0, image[k % 64, k / 64].A > 0);
            if (counts[k] > 0) Assert.InRange(image[k % 64, k / 64].R, red[k] / counts[k] - 1, red[k] / counts[k] + 1); // the mean colour
        }
    }

    [Fact]
    public void A_heatmap_is_brightest_where_the_density_is_highest()
    {
        var values = new[] { -20f, -5f, -1f, 0f };
        var image = new RgbaImage(2, 2);
        Heatmaps.Paint(values, Heatmaps.Top(values), image);
        Assert.Equal(0f, Heatmaps.Top(values));
        Assert.True(image[1, 1].G > image[0, 1].G && image[0, 1].G > image[1, 0].G, "viridis brightens with density");
        Assert.True(image[0, 0].A < image[1, 1].A, "no-mass cells fade out");
        Assert.Equal(-1f, Heatmaps.Top([float.MinValue, -1f]));
    }
}
