using System.Numerics;
using FlowLive.Imaging;
using FlowLive.Protos.V1;
using FlowLive.Viewer.Client;
using FlowLive.Viewer.Engine;
using FlowLive.Viewer.Graphics;
using FlowLive.Viewer.Rendering;
using Grpc.Core;

namespace FlowLive.Viewer.Scenes;

/// <summary>
/// Density: the model's log-density heatmap with a colour legend, its samples on top; pan and zoom, and the grid is
/// asked for again over the new window a moment after the view settles, so zooming in shows real detail, not
/// stretched pixels.
/// </summary>
public sealed class DensityScene : Scene
{
    private const int Resolution = 256;
    private const int SampleCount = 5_000;
    private const double SettleSeconds = 0.3;
    private readonly PanZoom panZoom = new();
    private readonly SampleLayer sampleLayer = new();
    private RgbaImage? heatmap;
    private (float X0, float X1, float Y0, float Y1) gridWindow, home;
    private float top;
    private double sinceViewChange = -1;
    private CancellationTokenSource? gridCall;

    public override string Title => "Density";

    public override string? Refuses(ModelInfo model) =>
        IsTwoD(model) ? null : $"the density scene draws 2-D models; {model.Name} models [{string.Join(", ", model.DataShape)}]";

    public override bool Ready => heatmap is not null && sampleLayer.Samples is not null;

    public override string Status => Model is null ? "no model yet" : heatmap is null ? $"{Model.Name}: waiting for the density grid"
        : $"{Model.Name} · log p over [{gridWindow.X0:0.##}, {gridWindow.X1:0.##}] x [{gridWindow.Y0:0.##}, {gridWindow.Y1:0.##}] · {sampleLayer.Samples?.Count ?? 0:N0} samples";

    public override IEnumerable<(string Keys, string What)> Help =>
        [("drag, wheel", "pan, zoom (the grid is recomputed)"), ("R", "reset the view"), ("N", "new samples")];

    /// <summary>The latest grid's window and values (tests compare colours against them).</summary>
    public (float X0, float X1, float Y0, float Y1) GridWindow => gridWindow;
    public float[]? LogDensity { get; private set; }

    /// <summary>Data to pixels as last drawn (the grid is asked for again over it once it settles; tests read it).</summary>
    public ViewTransform LastView { get; private set; }

    protected override void Started()
    {
        heatmap = null;
        LogDensity = null;
        sampleLayer.Samples = null;
        panZoom.Reset();
        RequestGrid(null);
        var request = new SampleRequest { Model = Model.Name, Count = SampleCount, Seed = Context.Settings.Seed, Temperature = Context.Settings.Temperature };
        Context.Start("Sample", async cancellation =>
        {
            using var call = Context.Server.Models.Sample(request, cancellationToken: cancellation);
            var points = await PointStream.Read(call.ResponseStream, SampleCount, chunk => (chunk.Offset, chunk.Points), cancellation);
            Context.Queue.Post(() => sampleLayer.Samples = points, cancellation);
        }, Streams);
    }

    /// <summary>Asks for the grid over <paramref name="window"/> (null: the server's window around the samples).</summary>
    private void RequestGrid((float X0, float X1, float Y0, float Y1)? window)
    {
        gridCall?.Cancel();
        gridCall = CancellationTokenSource.CreateLinkedTokenSource(Streams);
        var request = new DensityGridRequest { Model = Model.Name, Columns = Resolution, Rows = Resolution };
        if (window is { } w) request.Bounds = new Bounds { XMin = w.X0, XMax = w.X1, YMin = w.Y0, YMax = w.Y1 };
        bool first = window is null;
        Context.Start("DensityGrid", async cancellation =>
        {
            using var call = Context.Server.Models.DensityGrid(request, cancellationToken: cancellation);
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellation))
            {
                var grid = message.Grid;
                var values = WireTensors.Values(grid.LogDensity);
                var b = grid.Bounds;
                Context.Queue.Post(() =>
                {
                    gridWindow = ((float)b.XMin, (float)b.XMax, (float)b.YMin, (float)b.YMax);
                    if (first) { home = gridWindow; top = Heatmaps.Top(values); }
                    LogDensity = values;
                    heatmap = new RgbaImage(grid.Columns, grid.Rows);
                    Heatmaps.Paint(values, top, heatmap);
                }, cancellation);
            }
        }, gridCall.Token);
    }

    public override void Update(double seconds)
    {
        if (sinceViewChange < 0) return;
        sinceViewChange += seconds;
        if (sinceViewChange < SettleSeconds) return;
        sinceViewChange = -1;
        var topLeft = LastView.ToData(new Vector2(LastView.Viewport.X, LastView.Viewport.Y));
        var bottomRight = LastView.ToData(new Vector2(LastView.Viewport.Right, LastView.Viewport.Bottom));
        RequestGrid((topLeft.X, bottomRight.X, bottomRight.Y, topLeft.Y));
    }

    public override void Draw(IRenderer2D renderer, double alpha, RectangleF area)
    {
        if (heatmap is null) return;
        var plot = PlotArea(area);
        var view = LastView = panZoom.Apply(ViewTransform.Fit(home.X0, home.X1, home.Y0, home.Y1, plot));
        renderer.DrawImage(heatmap, view.ToPixels(gridWindow.X0, gridWindow.X1, gridWindow.Y0, gridWindow.Y1), smooth: true);
        sampleLayer.Draw(renderer, view);
        Legend(renderer, new RectangleF(area.Right - 70, area.Y + 60, 18, area.Height - 140));
    }

    /// <summary>The colour bar: log-density from the top down to <see cref="Heatmaps.Range"/> nats below it.</summary>
    private void Legend(IRenderer2D renderer, RectangleF bar)
    {
        ColourBar.Fill(renderer, bar, v =>
        {
            var c = Colormap.Viridis(v);
            return new Rgba(c.R, c.G, c.B);
        });
        for (int tick = 0; tick <= 4; tick++)
        {
            float value = top - Heatmaps.Range * tick / 4;
            renderer.DrawText($"{value:0.#}", new Vector2(bar.X - 56, bar.Y + bar.Height * tick / 4 - 9), 16, Rgba.White);
        }
        renderer.DrawText("log p", new Vector2(bar.X - 30, bar.Bottom + 8), 16, Rgba.White);
    }

    private static RectangleF PlotArea(RectangleF area) => new(area.X + 10, area.Y + 50, area.Width - 110, area.Height - 60);

    public override bool Handle(ViewerCommand command)
    {
        switch (command)
        {
            case ViewerCommand.ResetView:
                panZoom.Reset();
                sinceViewChange = 0;
                return true;
            default:
                return base.Handle(command);
        }
    }

    public override void Pointer(PointerInput input, RectangleF area)
    {
        if (heatmap is null) return;
        panZoom.Handle(input, ViewTransform.Fit(home.X0, home.X1, home.Y0, home.Y1, PlotArea(area)));
        if (input is PointerDrag or PointerZoom) sinceViewChange = 0;
    }
}
