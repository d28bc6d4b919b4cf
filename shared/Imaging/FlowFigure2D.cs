using FlowLive.Flows;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Imaging;

/// <summary>
/// The picture of a 2-D flow at work, for lectures and READMEs: the data, the flow's samples, its density, and one
/// panel per layer showing the same base points carried towards the data. Points keep the colour of their angle in
/// the base, so each one can be followed from panel to panel.
/// </summary>
public static class FlowFigure2D
{
    public sealed record Options
    {
        public int PanelSize { get; init; } = 220;
        public double Extent { get; init; } = 4.0;
        public int Points { get; init; } = 2000;
        public int DensityResolution { get; init; } = 110;
        public long Seed { get; init; } = 0;
        /// <summary>Panels per row in the layer-by-layer strip.</summary>
        public int TraceColumns { get; init; } = 5;
    }

    public static Canvas Render(Flow flow, Tensor data, string title, Options? options = null)
    {
        options ??= new Options();
        if (flow.DataShape != Shape.Vector(2)) throw new ArgumentException($"FlowFigure2D draws 2-D flows, this one has data shape {flow.DataShape}");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var panel = new PlotPanel(options.PanelSize, options.Extent);
        var dataColour = new Rgb(30, 30, 30);

        var z = flow.Base.Sample(options.Points, seed: options.Seed);
        var states = flow.Trace(z);
        var zPoints = Floats(z);
        Rgb ColourOf(int i) => Colormap.Hue(Math.Atan2(zPoints[2 * i + 1], zPoints[2 * i]));

        var grid = panel.GridCentres(options.DensityResolution);
        var logDensity = Floats(flow.LogProb(tensor(grid).reshape(-1, 2).to(z.dtype, z.device)));
        var density = logDensity.Select(v => (float)Math.Exp(v)).ToArray();

        var top = new List<Canvas>
        {
            panel.Scatter("DATA", Floats(data[TensorIndex.Slice(0, options.Points)]), dataColour),
            panel.Scatter("SAMPLES", Floats(states[^1]), ColourOf),
            panel.Heatmap("DENSITY", density, options.DensityResolution),
            panel.Scatter("SAMPLES T=0.6", Floats(flow.Sample(options.Points, temperature: 0.6, seed: options.Seed + 1)), dataColour),
        };
        var trace = states.Select((state, k) => panel.Scatter(k == 0 ? "BASE" : $"LAYER {k} {Models.SpecJson.KindOf(flow.Layers[k - 1].Spec.GetType())}", Floats(state), ColourOf)).ToList();
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

    static float[] Floats(Tensor t) => t.detach().to(float32).cpu().contiguous().data<float>().ToArray();
}
