using FlowLive.Flows;
using static TorchSharp.torch;

namespace FlowLive.Imaging;

/// <summary>
/// The picture of a 2-D flow at work, for lectures and READMEs: the data, the flow's samples, its density, and one
/// panel per layer showing the same base points carried towards the data. Points keep the colour of their angle in
/// the base, so each one can be followed from panel to panel. The numbers come from a <see cref="FlowSnapshot2D"/>;
/// this class only draws.
/// </summary>
public static class FlowFigure2D
{
    /// <summary>The temperature of the demo's cooled samples panel.</summary>
    public const double CoolTemperature = 0.6;

    public sealed record Options
    {
        public int PanelSize { get; init; } = 220;
        public double Extent { get; init; } = 4.0;
        public int Points { get; init; } = 2000;
        public int DensityResolution { get; init; } = 110;
        public long Seed { get; init; } = 0;
        /// <summary>Panels per row in the layer-by-layer strip.</summary>
        public int TraceColumns { get; init; } = 5;

        /// <summary>The snapshot this figure draws: Points traced, the density on [-Extent, Extent]^2, samples at T = 0.6.</summary>
        public FlowSnapshot2DOptions SnapshotOptions() => new()
        {
            Points = Points,
            Seed = Seed,
            Window = GridWindow.Square(Extent, DensityResolution),
            Temperatures = [CoolTemperature],
        };
    }

    /// <summary>Takes the snapshot of <paramref name="flow"/> the figure needs and draws it.</summary>
    public static Canvas Render(Flow flow, Tensor data, string title, Options? options = null)
    {
        options ??= new Options();
        if (flow.DataShape != Shape.Vector(2)) throw new ArgumentException($"FlowFigure2D draws 2-D flows, this one has data shape {flow.DataShape}");
        var snapshot = FlowSnapshot2D.Capture(flow, options.SnapshotOptions(), data);
        return Draw(snapshot, title, options);
    }

    /// <summary>
    /// Draws a snapshot: DATA, SAMPLES (coloured by base angle), DENSITY, SAMPLES T=0.6 on top (the panels whose numbers
    /// the snapshot has), then BASE and each layer's state. The plot window is [-Extent, Extent]^2 of <paramref name="options"/>.
    /// </summary>
    public static Canvas Draw(FlowSnapshot2D snapshot, string title, Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        options ??= new Options();
        var panel = new PlotPanel(options.PanelSize, options.Extent);
        var dataColour = new Rgb(30, 30, 30);
        Rgb ColourOf(int i) => snapshot.Colours[i];

        var top = new List<Canvas>();
        if (snapshot.Data is { } data) top.Add(panel.Scatter("DATA", data, dataColour));
        top.Add(panel.Scatter("SAMPLES", snapshot.Samples, ColourOf));
        if (snapshot.Density is { } density)
        {
            if (density.Window.Columns != density.Window.Rows)
                throw new ArgumentException($"the figure's density panel is square, the grid is {density.Window.Columns}x{density.Window.Rows}", nameof(snapshot));
            top.Add(panel.Heatmap("DENSITY", density.LogDensity.Select(v => (float)Math.Exp(v)).ToArray(), density.Window.Columns));
        }
        foreach (var tempered in snapshot.TemperedSamples)
            top.Add(panel.Scatter($"SAMPLES T={tempered.Temperature:0.##}", tempered.Points, dataColour));

        var trace = snapshot.States
            .Select((state, k) => panel.Scatter(k == 0 ? "BASE" : $"LAYER {k} {snapshot.StateNames[k]}", state, ColourOf))
            .ToList();
        return Compose(title, top, trace, options);
    }

    static Canvas Compose(string title, List<Canvas> top, List<Canvas> trace, Options options)
    {
        const int gap = 8, header = 24;
        int cellWidth = top[0].Width + gap, cellHeight = top[0].Height + gap;
        int columns = Math.Max(top.Count, options.TraceColumns);
        int traceRows = (trace.Count + options.TraceColumns - 1) / options.TraceColumns;
        var canvas = new Canvas(columns * cellWidth + gap, header + (1 + traceRows) * cellHeight + 2 * gap + 14, Rgb.White);
        canvas.Text(gap, 6, title, Rgb.Black, scale: 2);
        for (int i = 0; i < top.Count; i++) canvas.Paste(top[i], gap + i * cellWidth, header);
        int traceTop = header + cellHeight + gap;
        canvas.Text(gap, traceTop, "LAYER BY LAYER: THE SAME BASE POINTS, COLOURED BY THEIR ANGLE IN THE BASE", new Rgb(80, 80, 80));
        for (int i = 0; i < trace.Count; i++)
            canvas.Paste(trace[i], gap + i % options.TraceColumns * cellWidth, traceTop + 14 + i / options.TraceColumns * cellHeight);
        return canvas;
    }
}
