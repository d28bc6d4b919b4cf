using System.Numerics;
using FlowLive.Protos.V1;
using FlowLive.Viewer.Client;
using FlowLive.Viewer.Graphics;

namespace FlowLive.Viewer.Scenes;

/// <summary>
/// One probed data point: where it sits in every layer's state (the inverse pass of Trace with the client's point),
/// and its log-likelihood as a waterfall: the base log-density of its latent plus each layer's term (minus that
/// layer's forward log-det), which add up to log p(x). No other tool we know of shows where in the flow a point's
/// likelihood is won or lost.
/// </summary>
public sealed class Probe
{
    public Probe(Vector2 point, IReadOnlyList<TraceResponse> states)
    {
        Point = point;
        var ordered = states.OrderBy(s => s.LayerIndex).ToList();
        Path = ordered.Select(s =>
        {
            var v = WireTensors.Floats(s.State);
            return new Vector2(v[0], v[1]);
        }).ToArray();
        float Value(Tensor? t) => t is { Data.Length: >= 4 } ? WireTensors.Floats(t)[0] : 0f;
        BaseLogDensity = Value(ordered[0].LogProb);
        Terms = ordered.Skip(1).Select(s => -Value(s.LogDet)).ToArray();
        LogDensity = Value(ordered[^1].LogProb);
    }

    /// <summary>The clicked point, in data coordinates.</summary>
    public Vector2 Point { get; }

    /// <summary>Its state after every layer, base first (the last is the point itself).</summary>
    public Vector2[] Path { get; }

    /// <summary>log p_base(z) of its latent.</summary>
    public float BaseLogDensity { get; }

    /// <summary>Each layer's contribution to log p(x): minus its forward log-det at the point's state.</summary>
    public float[] Terms { get; }

    /// <summary>log p(x) as the server computed it (equals the base term plus all layer terms).</summary>
    public float LogDensity { get; }

    /// <summary>The point's path (white) up to the animation's state, with a dot per layer state.</summary>
    public void DrawPath(IRenderer2D renderer, in ViewTransform view, double position)
    {
        int upTo = Math.Clamp((int)Math.Ceiling(position), 0, Path.Length - 1);
        var view_ = view;
        var pixels = Path.Take(upTo + 1).Select(p => view_.ToPixels(p)).ToArray();
        if (pixels.Length > 1) renderer.DrawLines(pixels, new Rgba(255, 255, 255, 220), 2, LineMode.Strip);
        foreach (var p in pixels) renderer.FillRectangle(new RectangleF(p.X - 3, p.Y - 3, 6, 6), new Rgba(255, 255, 255));
        var end = view.ToPixels(Point);
        renderer.FillRectangle(new RectangleF(end.X - 5, end.Y - 5, 10, 10), new Rgba(255, 80, 80));
    }

    /// <summary>The waterfall: base bar, then a bar per layer from the running total, the total at the right.</summary>
    public void DrawWaterfall(IRenderer2D renderer, RectangleF box)
    {
        renderer.FillRectangle(box, new Rgba(0, 0, 0, 170));
        renderer.DrawText($"log p(x) = {LogDensity:0.00} at ({Point.X:0.00}, {Point.Y:0.00})", new Vector2(box.X + 10, box.Y + 6), 18, Rgba.White);
        var running = new List<float> { BaseLogDensity };
        foreach (var t in Terms) running.Add(running[^1] + t);
        float low = Math.Min(0, running.Min()), high = Math.Max(0, running.Max());
        if (high - low < 1e-3f) high = low + 1;
        var chart = new RectangleF(box.X + 10, box.Y + 34, box.Width - 20, box.Height - 60);
        float Y(float v) => chart.Bottom - (v - low) / (high - low) * chart.Height;
        int bars = Terms.Length + 2;
        float width = chart.Width / bars;
        renderer.FillRectangle(new RectangleF(chart.X, Y(0), chart.Width, 1), new Rgba(255, 255, 255, 90));
        for (int i = 0; i < bars; i++)
        {
            float from = i == 0 || i == bars - 1 ? 0 : running[i - 1];
            float to = i == bars - 1 ? LogDensity : running[i];
            var colour = i == 0 ? new Rgba(160, 160, 160) : i == bars - 1 ? new Rgba(255, 220, 120) : to >= from ? new Rgba(110, 200, 120) : new Rgba(230, 100, 90);
            float top = Math.Min(Y(from), Y(to)), bottom = Math.Max(Y(from), Y(to));
            renderer.FillRectangle(new RectangleF(chart.X + i * width + 2, top, width - 4, Math.Max(1, bottom - top)), colour);
        }
        renderer.DrawText("base · each layer's −log|det| · total", new Vector2(chart.X, chart.Bottom + 4), 15, new Rgba(200, 200, 200));
    }
}
