using FlowLive.Figures;
using FlowLive.Imaging;

namespace FlowLive.Tests.Imaging;

/// <summary>
/// Every ScottPlot figure writes a real PNG of the requested size with a picture in it, and the pixels say what the
/// numbers say. Set FLOWLIVE_FIGURE_DIR to keep the PNGs for a look.
/// </summary>
public sealed class FigureTests
{
    static readonly (byte, byte, byte) ViridisLow = (68, 1, 84), ViridisHigh = (253, 231, 37);

    static byte[] Png(Figure figure, string name)
    {
        var png = figure.EncodePng();
        if (Environment.GetEnvironmentVariable("FLOWLIVE_FIGURE_DIR") is { Length: > 0 } folder)
            File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(folder).FullName, name + ".png"), png);
        return png;
    }

    /// <summary>log N((mx, my), s^2 I) on a square window, computed here in closed form.</summary>
    static DensityGrid Gaussian(double mx, double my, double s, double extent = 4, int resolution = 80)
    {
        var window = GridWindow.Square(extent, resolution);
        var values = new float[window.CellCount];
        for (int cell = 0; cell < values.Length; cell++)
        {
            double dx = window.XCentre(cell % resolution) - mx, dy = window.YCentre(cell / resolution) - my;
            values[cell] = (float)(-(dx * dx + dy * dy) / (2 * s * s) - Math.Log(2 * Math.PI * s * s));
        }
        return new DensityGrid(window, values);
    }

    static float[] Ring(int n, double radius, double cx = 0, double cy = 0) =>
        Enumerable.Range(0, n).SelectMany(i => new[]
        {
            (float)(cx + radius * Math.Cos(2 * Math.PI * i / n)), (float)(cy + radius * Math.Sin(2 * Math.PI * i / n)),
        }).ToArray();

    /// <summary>Asserts the figure shows log-density <paramref name="logP"/> at (x, y) in viridis on the scale [low, high].</summary>
    static void AssertShows(PngImage image, Figure figure, double x, double y, double logP, double low, double high, int panel = 0)
    {
        var (px, py) = figure.PixelOf(x, y, panel);
        var expected = Colormap.Viridis((logP - low) / (high - low));
        int distance = PngImage.Distance(image[px, py], (expected.R, expected.G, expected.B));
        Assert.True(distance < 25, $"panel {panel} at ({x}, {y}): pixel {image[px, py]}, expected viridis {expected} of log p {logP:F2} on [{low:F1}, {high:F1}]");
    }

    static double GaussianLogP(double x, double y, double mx, double my, double s) =>
        -((x - mx) * (x - mx) + (y - my) * (y - my)) / (2 * s * s) - Math.Log(2 * Math.PI * s * s);

    [Fact]
    public void Density_heatmap_pixels_are_the_colour_scale_of_the_closed_form_and_not_flipped()
    {
        var grid = Gaussian(1.5, 1.5, 0.8);
        using var figure = DensityHeatmap.Render(grid, "N((1.5, 1.5), 0.8^2)", Ring(100, 3.5), "ring");
        var image = PngImage.AssertPicture(Png(figure, "heatmap"), 800, 600);
        var (low, high) = grid.FiniteRange()!.Value;
        // Probes off the ring of points and off cell edges; (1.5, -1.5) is where a flipped grid would put the peak.
        foreach (var (x, y) in new[] { (1.52, 1.52), (1.52, -1.52), (-1.52, 1.52), (-3.9, -3.9), (0.02, 0.02), (3.9, -2.1) })
            AssertShows(image, figure, x, y, GaussianLogP(x, y, 1.5, 1.5, 0.8), low, high);
        var (px, py) = figure.PixelOf(1.5, 1.5);
        var (cx, cy) = figure.PixelOf(-3.9, -3.9);
        Assert.True(PngImage.Distance(image[px, py], image[cx, cy]) > 150, "a high-density cell and a low one differ");
        var (rx, ry) = figure.PixelOf(3.5, 0);
        var beside = image[rx + 8, ry];
        Assert.True(image[rx, ry].B > beside.B + 60, $"the whitish ring point at (3.5, 0) is drawn: {image[rx, ry]} vs {beside} beside it");
    }

    [Fact]
    public void Minus_infinity_and_nan_cells_are_the_lowest_colour_and_do_not_crash()
    {
        var grid = Gaussian(0, 0, 1, resolution: 40);
        for (int cell = 0; cell < grid.LogDensity.Length; cell++)
            if (grid.Window.XCentre(cell % 40) < -1) grid.LogDensity[cell] = cell % 2 == 0 ? float.NegativeInfinity : float.NaN;
        using var figure = DensityHeatmap.Render(grid, "bounded support");
        var image = PngImage.AssertPicture(Png(figure, "heatmap-inf"), 800, 600);
        var (ix, iy) = figure.PixelOf(-3, 0);
        Assert.True(PngImage.Distance(image[ix, iy], ViridisLow) < 40, $"-inf/NaN region {image[ix, iy]} is not the lowest colour");
        var (px, py) = figure.PixelOf(0, 0);
        Assert.True(PngImage.Distance(image[px, py], ViridisHigh) < 40, $"peak {image[px, py]} is not the top colour");

        var nothing = new DensityGrid(GridWindow.Square(1, 8), Enumerable.Repeat(float.NegativeInfinity, 64).ToArray());
        using var empty = DensityHeatmap.Render(nothing, "no finite cell", width: 400, height: 300);
        PngImage.AssertPicture(empty.EncodePng(), 400, 300, minColours: 10);
    }

    [Fact]
    public void A_floor_keeps_far_tails_at_the_lowest_colour()
    {
        var grid = Gaussian(0, 0, 1);
        using var figure = DensityHeatmap.Render(grid, "floored", floor: grid.FiniteRange()!.Value.Max - 2);
        var image = new PngImage(figure.EncodePng());
        var (x, y) = figure.PixelOf(2.5, 0); // log p is 3.1 below the peak there: under the floor
        Assert.True(PngImage.Distance(image[x, y], ViridisLow) < 40, $"below-floor pixel {image[x, y]} is not the lowest colour");
    }

    [Fact]
    public void Learning_curves_draw_each_series_in_its_own_colour_and_survive_nan_steps()
    {
        var steps = Enumerable.Range(0, 200).Select(i => (double)i * 10).ToArray();
        var train = steps.Select(s => 0.59 + 2 * Math.Exp(-s / 400)).ToArray();
        var test = steps.Select(s => 0.65 + 2 * Math.Exp(-s / 350)).ToArray();
        test[50] = double.NaN;
        using var figure = LearningCurves.Render(
            [new CurveSeries("train", steps, train), new CurveSeries("test", steps, test)],
            "two moons, RealNVP", "step", "NLL (nats)", new ReferenceLine(0.59, "true entropy 0.59 nats"));
        var image = PngImage.AssertPicture(Png(figure, "learning-curves"), 800, 600);
        Assert.True(image.CountNear(0x1f, 0x77, 0xb4, 30) > 300, "the first series' blue line is drawn");
        Assert.True(image.CountNear(0xff, 0x7f, 0x0e, 30) > 300, "the second series' orange line is drawn");
        var (x, y) = figure.PixelOf(1000, 0.59);
        var near = Enumerable.Range(-3, 7).Select(dy => image[x, y + dy]).Min(c => c.R + c.G + c.B);
        Assert.True(near < 150, "the dashed reference line is drawn at y = 0.59");
        Assert.Throws<ArgumentException>(() => LearningCurves.Render([new CurveSeries("bad", [1, 2], [1])], "t", "x", "y"));
    }

    [Fact]
    public void Scatter_overlay_and_points_coloured_by_value()
    {
        using var overlay = ScatterFigures.Overlay([new PointSet("data", Ring(500, 2)), new PointSet("samples", Ring(500, 1, 0.5, 0.5))], "data vs samples");
        var image = PngImage.AssertPicture(Png(overlay, "scatter-overlay"), 800, 600);
        var (dx, dy) = overlay.PixelOf(2, 0);
        var (sx, sy) = overlay.PixelOf(0.5, 1.5);
        Assert.True(image[dx, dy].B > image[dx, dy].R + 40, $"data point {image[dx, dy]} is bluish");
        Assert.True(image[sx, sy].R > image[sx, sy].B + 40, $"sample point {image[sx, sy]} is orangish");

        var points = Ring(400, 1).Concat(Ring(400, 3)).ToArray();
        var radius = Enumerable.Repeat(1f, 400).Concat(Enumerable.Repeat(3f, 400)).ToArray();
        using var coloured = ScatterFigures.ColouredByValue(points, radius, "data pushed to latent space", "base radius");
        var colouredImage = PngImage.AssertPicture(Png(coloured, "scatter-by-radius"), 800, 600);
        var (ix, iy) = coloured.PixelOf(1, 0);
        var (ox, oy) = coloured.PixelOf(3, 0);
        Assert.True(PngImage.Distance(colouredImage[ix, iy], ViridisLow) < 60, $"radius-1 point {colouredImage[ix, iy]} has the low colour");
        Assert.True(PngImage.Distance(colouredImage[ox, oy], ViridisHigh) < 60, $"radius-3 point {colouredImage[ox, oy]} has the high colour");
        Assert.Throws<ArgumentException>(() => ScatterFigures.ColouredByValue(points, [1f], "t", "v"));
    }

    [Fact]
    public void Density_row_has_one_titled_panel_per_prefix_on_one_colour_scale()
    {
        var grids = Enumerable.Range(0, 4).Select(k => Gaussian(k - 1.5, 0, 0.5 + 0.25 * k)).ToList();
        using var figure = PanelFigures.DensityRow(grids, ["base", "layer 1", "layer 2", "layer 3"]);
        Assert.Equal(4, figure.PanelCount);
        var image = PngImage.AssertPicture(Png(figure, "density-row"), 4 * PanelFigures.PanelWidth, PanelFigures.PanelHeight);
        // One scale for every panel: from the lowest finite value of all grids to the highest.
        double low = grids.Min(g => g.FiniteRange()!.Value.Min), high = grids.Max(g => g.FiniteRange()!.Value.Max);
        for (int k = 0; k < grids.Count; k++)
        {
            var (x, _) = figure.PixelOf(0, 0, panel: k);
            Assert.InRange(x, k * PanelFigures.PanelWidth, (k + 1) * PanelFigures.PanelWidth - 1);
            foreach (var (px, py) in new[] { (k - 1.48, 0.02), (0.52, 1.02), (-2.02, -2.52) })
                AssertShows(image, figure, px, py, GaussianLogP(px, py, k - 1.5, 0, 0.5 + 0.25 * k), low, high, panel: k);
        }
    }

    [Fact]
    public void Scatter_grid_lays_out_nine_titled_panels_three_by_three()
    {
        var panels = Enumerable.Range(0, 9)
            .Select(k => new ScatterPanel($"step {k * 100}", [new PointSet("data", Ring(200, 2)), new PointSet("samples", Ring(200, 0.2 * (k + 1)))]))
            .ToList();
        using var figure = PanelFigures.ScatterGrid(panels, columns: 3);
        PngImage.AssertPicture(Png(figure, "scatter-grid"), 3 * PanelFigures.PanelWidth, 3 * PanelFigures.PanelHeight);
        var (x, y) = figure.PixelOf(0, 0, panel: 8);
        Assert.InRange(x, 2 * PanelFigures.PanelWidth, 3 * PanelFigures.PanelWidth - 1);
        Assert.InRange(y, 2 * PanelFigures.PanelHeight, 3 * PanelFigures.PanelHeight - 1);
    }

    [Fact]
    public void Bar_heights_follow_the_values()
    {
        using var figure = BarFigures.Render(["standard normal", "mixture of Gaussians", "VampPrior"], [98.5, 95.25, 93.0], "test -ELBO by prior", "-ELBO (nats)");
        var image = PngImage.AssertPicture(Png(figure, "bars"), 800, 600);
        int[] heights = [.. Enumerable.Range(0, 3).Select(i =>
        {
            var (r, g, b) = FigureStyle.SeriesRgb(i);
            return image.CountNear(r, g, b, 6);
        })];
        Assert.True(heights[0] > heights[1] && heights[1] > heights[2] && heights[2] > 1000, $"bar areas {string.Join(", ", heights)} must follow 98.5 > 95.25 > 93");
        Assert.Throws<ArgumentException>(() => BarFigures.Render(["a"], [double.NaN], "t", "y"));
    }

    [Fact]
    public void Layer_densities_of_a_real_snapshot_make_one_panel_per_prefix()
    {
        var shape = FlowLive.Flows.Shape.Vector(2);
        using var flow = new FlowLive.Flows.Flow(new FlowLive.Flows.Bases.StandardNormal(shape),
        [
            new FlowLive.Flows.Layers.Scale(new FlowLive.Flows.Layers.ScaleSpec { Shape = shape, LogScale = [0.5, -0.5] }),
            new FlowLive.Flows.Layers.Translate(new FlowLive.Flows.Layers.TranslateSpec { Shape = shape, Shift = [1, 1] }),
        ]);
        var snapshot = FlowSnapshot2D.Capture(flow, new FlowSnapshot2DOptions { Points = 10, Window = GridWindow.Square(4, 60), PrefixDensities = true });
        using var figure = PanelFigures.LayerDensities(snapshot);
        Assert.Equal(3, figure.PanelCount);
        PngImage.AssertPicture(Png(figure, "layer-densities"), 3 * PanelFigures.PanelWidth, PanelFigures.PanelHeight);
        Assert.Throws<ArgumentException>(() => PanelFigures.LayerDensities(FlowSnapshot2D.Capture(flow, new FlowSnapshot2DOptions { Points = 10 })));
    }

    [Fact]
    public void Titles_are_drawn_in_an_installed_font()
    {
        // Without a font file SkiaSharp draws no glyphs at all; the title strip then stays background-white.
        using var titled = BarFigures.Render(["a"], [1.0], "A TITLE WITH MANY LETTERS", "y", width: 400, height: 300);
        using var untitled = BarFigures.Render(["a"], [1.0], "", "y", width: 400, height: 300);
        int titleInk = DarkPixelsOnTop(new PngImage(titled.EncodePng())), noTitleInk = DarkPixelsOnTop(new PngImage(untitled.EncodePng()));
        Assert.True(titleInk > noTitleInk + 60,
            $"the title adds only {titleInk - noTitleInk} dark pixels: is fonts-dejavu-core (or any font in /usr/share/fonts) installed?");
    }

    static int DarkPixelsOnTop(PngImage image)
    {
        int dark = 0;
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < image.Width; x++)
                if (image[x, y].R < 128) dark++;
        return dark;
    }

    [Fact]
    public void Figures_refuse_sizes_too_small_to_draw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BarFigures.Render(["a"], [1.0], "t", "y", width: 4, height: 4));
    }
}
