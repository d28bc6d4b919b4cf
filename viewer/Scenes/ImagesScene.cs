using FlowLive.Protos.V1;
using FlowLive.Viewer.Client;
using FlowLive.Viewer.Engine;
using FlowLive.Viewer.Graphics;
using Grpc.Core;

namespace FlowLive.Viewer.Scenes;

/// <summary>
/// Images (digits): samples carried from latent to image through the layers. Two views (G switches): a grid of
/// samples morphing together, state by state; and the layer grid of the Rosenbaum exercise (a row per sample, a
/// column per state), with the current column lit as the animation moves through it.
/// </summary>
public sealed class ImagesScene : Scene
{
    private const int Columns = 8, Rows = 4, LayerGridRows = 5;
    private readonly LayerAnimation animation = new(0);
    private ImageTrace? trace;
    private RgbaImage? canvas;
    private bool layerGrid;

    public override string Title => "Images";

    public override string? Refuses(ModelInfo model) =>
        model.DataKind == DataKind.Image ? null : $"the images scene draws image models; {model.Name} models points";

    public override bool Ready => trace is { Complete: true };

    public override double StorySeconds => trace is null ? 6 : animation.RoundTripSeconds;

    public override string Status => trace is not { Complete: true } ? $"{Model?.Name}: waiting for the server"
        : $"{Model.Name} · {(layerGrid ? "layer grid" : $"layer {animation.At(1):0.0} of {trace.LayerCount}")} · {trace.Samples} samples · T {Context.Settings.Temperature:0.0#}";

    public override IEnumerable<(string Keys, string What)> Help =>
        [("Space", "play / pause"), (", .", "step a layer"), ("G", "animated grid / layer grid"), ("N", "new samples"), ("- +", "cooler / warmer")];

    protected override void Started()
    {
        trace = null;
        animation.Reset(0);
        int count = Columns * Rows;
        var request = new TraceRequest { Model = Model.Name, Count = count, Seed = Context.Settings.Seed, Temperature = Context.Settings.Temperature };
        Context.Start("Trace", async cancellation =>
        {
            using var call = Context.Server.Models.Trace(request, cancellationToken: cancellation);
            ImageTrace? incoming = null;
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellation))
            {
                var target = incoming ??= new ImageTrace((int)message.Total, message.LayerCount);
                Context.Queue.Post(() =>
                {
                    target.Add(message);
                    if (target.Complete)
                    {
                        trace = target;
                        animation.Reset(target.LayerCount);
                    }
                }, cancellation);
            }
        }, Streams);
    }

    public override void Update(double seconds) => animation.Step(seconds);

    public override void Draw(IRenderer2D renderer, double alpha, RectangleF area)
    {
        if (trace is not { Complete: true }) return;
        var (from, t) = LayerAnimation.Segment(animation.At(alpha), trace.LayerCount);
        var (width, height) = trace.TileSize(trace.LayerCount);
        int columns = layerGrid ? trace.LayerCount + 1 : Columns, rows = layerGrid ? LayerGridRows : Rows;
        int pad = 2, cellW = width + pad, cellH = height + pad;
        if (canvas is null || canvas.Width != columns * cellW || canvas.Height != rows * cellH) canvas = new RgbaImage(columns * cellW, rows * cellH);
        Array.Clear(canvas.Pixels);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                int sample = layerGrid ? r : r * Columns + c;
                if (sample >= trace.Samples) continue;
                if (layerGrid)
                    Blit(trace.Tiles[c][sample], null, 0, trace.TileSize(c), c * cellW, r * cellH, lit: c == (t > 0.5 ? from + 1 : from));
                else
                    Blit(trace.Tiles[from][sample], trace.Tiles[Math.Min(trace.LayerCount, from + 1)][sample], (float)t,
                        trace.TileSize(from), c * cellW, r * cellH, lit: false, trace.TileSize(Math.Min(trace.LayerCount, from + 1)));
            }
        canvas.Touch();
        float scale = Math.Min((area.Width - 40) / canvas.Width, (area.Height - 90) / canvas.Height);
        var destination = new RectangleF(area.X + (area.Width - canvas.Width * scale) / 2, area.Y + 60, canvas.Width * scale, canvas.Height * scale);
        renderer.DrawImage(canvas, destination, smooth: false);
    }

    /// <summary>
    /// Copies a tile (grey in [0, 1]) into the canvas; while morphing, cross-fades to the next state's tile when the
    /// two have the same size, else switches halfway. A lit tile (the layer grid's current column) is tinted.
    /// </summary>
    private void Blit(float[] tile, float[]? nextTile, float t, (int W, int H) size, int x0, int y0, bool lit, (int W, int H)? nextSize = null)
    {
        bool fade = nextTile is not null && (nextSize ?? size) == size;
        bool switched = nextTile is not null && !fade && t > 0.5f;
        var source = switched ? nextTile! : tile;
        var (w, h) = switched ? nextSize!.Value : size;
        // A state larger than the cell (another model's layout) is cropped rather than drawn over its neighbours.
        int cellW = Math.Min(w, canvas!.Width - x0), cellH = Math.Min(h, canvas.Height - y0);
        for (int y = 0; y < cellH; y++)
            for (int x = 0; x < cellW; x++)
            {
                float v = fade ? tile[y * w + x] + (nextTile![y * w + x] - tile[y * w + x]) * t : source[y * w + x];
                byte g = (byte)(255 * v);
                canvas[x0 + x, y0 + y] = lit ? new Rgba((byte)(g * 0.8f + 40), g, (byte)(g * 0.6f)) : new Rgba(g, g, g);
            }
    }

    public override bool Handle(ViewerCommand command)
    {
        var settings = Context.Settings;
        switch (command)
        {
            case ViewerCommand.PlayPause: animation.Playing = !animation.Playing; return true;
            case ViewerCommand.StepForward: animation.StepLayer(+1); return true;
            case ViewerCommand.StepBack: animation.StepLayer(-1); return true;
            case ViewerCommand.ToggleGrid: layerGrid = !layerGrid; return true;
            case ViewerCommand.Warmer: settings.StepTemperature(+1); Restart(); return true;
            case ViewerCommand.Cooler: settings.StepTemperature(-1); Restart(); return true;
            default: return base.Handle(command);
        }
    }
}
