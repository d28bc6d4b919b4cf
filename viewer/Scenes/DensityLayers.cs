using FlowLive.Protos.V1;
using FlowLive.Viewer.Client;
using FlowLive.Viewer.Graphics;
using FlowLive.Viewer.Rendering;

namespace FlowLive.Viewer.Scenes;

/// <summary>
/// The density heatmaps of every layer prefix over one window, painted as they arrive, all on the scale of the full
/// model's grid (so the colours mean the same at every layer), and the cross-fade between two of them.
/// </summary>
public sealed class DensityLayers(int layerCount, int columns, int rows, (float X0, float X1, float Y0, float Y1) window)
{
    private readonly float[]?[] logDensity = new float[]?[layerCount + 1];
    private readonly RgbaImage?[] painted = new RgbaImage?[layerCount + 1];
    private readonly RgbaImage blend = new(columns, rows);
    private (int, int, float)? lastBlend;

    public (float X0, float X1, float Y0, float Y1) Window { get; } = window;

    public void Add(DensityGridResponse message)
    {
        int k = message.LayerPrefix;
        if (k < 0 || k > layerCount || message.Grid.Columns != columns || message.Grid.Rows != rows) return;
        logDensity[k] = WireTensors.Values(message.Grid.LogDensity);
        // The full model's grid sets the scale of them all: when it arrives every grid is repainted on it; until
        // then each grid uses its own.
        float top = Heatmaps.Top(logDensity[layerCount] ?? logDensity[k]);
        IEnumerable<int> repaint = k == layerCount ? Enumerable.Range(0, layerCount + 1) : [k];
        foreach (int j in repaint)
            if (logDensity[j] is { } values) Heatmaps.Paint(values, top, painted[j] ??= new RgbaImage(columns, rows));
        lastBlend = null;
    }

    /// <summary>Every prefix's grid has arrived.</summary>
    public bool Complete => painted.All(p => p is not null);

    public bool Ready(int from, int to) => painted[from] is not null && painted[to] is not null;

    public RgbaImage Between(int from, int to, float t)
    {
        if (t <= 0.001f || from == to) return painted[from]!;
        if (t >= 0.999f) return painted[to]!;
        // Quantised so a slow animation does not repaint the blend every frame for invisible changes.
        float step = MathF.Round(t * 64) / 64;
        if (lastBlend != (from, to, step))
        {
            Heatmaps.Blend(painted[from]!, painted[to]!, step, blend);
            lastBlend = (from, to, step);
        }
        return blend;
    }
}
