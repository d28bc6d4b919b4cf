using FlowLive.Protos.V1;
using FlowLive.Viewer.Client;
using FlowLive.Viewer.Engine;
using FlowLive.Viewer.Graphics;
using FlowLive.Viewer.Rendering;
using Grpc.Core;

namespace FlowLive.Viewer.Scenes;

/// <summary>
/// Flow steps: a cloud of base samples carried through every layer to the data and back. All states come from one
/// Trace stream; the motion between consecutive states is interpolated here, so the animation never waits for the
/// network. Optional heatmaps: the log-density of the current layer prefix (DensityGrid per layer), cross-faded as
/// the points move from one layer's state to the next, or the current layer's volume change (<see cref="VolumeChangeMap"/>).
/// </summary>
public sealed class FlowStepsScene : Scene
{
    private const int GridResolution = 160;
    private readonly LayerAnimation animation = new(0);
    private readonly PanZoom panZoom = new();
    private readonly PointSplatter splatter = new();
    private readonly PointCloud cloud = new();
    private FlowTrace? trace;
    private RgbaImage? splat;
    private DensityLayers? densities;
    private VolumeChangeMap? volume;
    private bool volumeAsked;
    private const int VolumeResolution = 120;
    private (float X0, float X1, float Y0, float Y1)? bounds;
    private (int Received, (float X0, float X1, float Y0, float Y1) Window)? boundsSoFar;
    private FlowTrace? grid;
    private PointStates? data;
    private const int DataPoints = 3000;
    private Probe? probe;
    private ColourMode colourMode = ColourMode.BaseAngle;
    private readonly PointColourCache colourCache = new();
    private (FlowTrace Trace, int From, int To, int Received, int Colours)? cloudHolds;

    /// <summary>Log-dets ride along with the trace up to this many points (they double what streams).</summary>
    private const int LogDetPoints = 200_000;
    private const int GridLines = 13, GridLinePoints = 120;
    private const int HalfResolutionFrom = 500_000;
    /// <summary>From this many points the complete trace is put in spatial order (below it the splat's sums fit in cache anyway).</summary>
    private const int SpatialOrderFrom = 100_000;

    public override string Title => "Flow steps";

    public override string? Refuses(ModelInfo model) =>
        IsTwoD(model) ? null : $"flow steps draw 2-D models; {model.Name} models data of shape [{string.Join(", ", model.DataShape)}]";

    /// <summary>The trace being shown (tests and the probe read it).</summary>
    public FlowTrace? Trace => trace;
    public LayerAnimation Animation => animation;

    /// <summary>Data to pixels as last drawn (probing a click and tests use it).</summary>
    public ViewTransform LastView { get; private set; }

    public override bool Ready => trace is { Complete: true } && !ordering && (!Context.Settings.ShowDensity || densities is { Complete: true })
        && (!Context.Settings.ShowVolume || volume is not null);

    /// <summary>The volume-change map once its lattice has been traced (V shows it).</summary>
    public VolumeChangeMap? Volume => volume;

    /// <summary>A copy of the trace in spatial order is being made (<see cref="OrderSpatially"/>).</summary>
    private bool ordering;

    public override double StorySeconds => trace is null ? 6 : animation.RoundTripSeconds;

    public override string Status
    {
        get
        {
            if (Model is null) return "no model yet";
            if (trace is null) return $"{Model.Name}: waiting for the server";
            double at = animation.At(1);
            var (from, _) = LayerAnimation.Segment(at, trace.LayerCount);
            string kind = at <= 0 ? "base" : trace.LayerKinds[Math.Min(trace.LayerCount, from + 1)];
            string loading = trace.Complete ? "" : $" (receiving {100.0 * trace.Received / trace.Total:0}%)";
            string volumeOf = Context.Settings.ShowVolume ? $" · volume change of layer {from + 1}" : "";
            return $"{Model.Name} · layer {at:0.0} of {trace.LayerCount} ({kind}) · {trace.Received:N0} points{loading} · T {Context.Settings.Temperature:0.0#}" +
                   volumeOf + (animation.Playing ? "" : " · paused");
        }
    }

    public Probe? Probed => probe;
    public ColourMode Colours => colourMode;

    public override IEnumerable<(string Keys, string What)> Help =>
    [
        ("click a point", "probe: its path through the layers and its log-likelihood waterfall"),
        ("C", "colour by base angle / volume change / log-density"), ("G", "warped coordinate grid"), ("X", "the training data (white)"),
        ("Space", "play / pause"), (", . or ← →", "step a layer back / forward"), ("[ ] or ↓ ↑", "slower / faster"),
        ("N", "new samples"), ("- +", "cooler / warmer"), ("P / O", "more / fewer points"), ("D", "density heatmap on/off"),
        ("V", "volume-change heatmap: where this layer stretches (red) or squeezes (blue) space"),
        ("drag, wheel", "pan, zoom"), ("R", "reset the view"), ("click the bar", "scrub through the layers"),
    ];

    protected override void Started()
    {
        trace = null;
        ordering = false;
        densities = null;
        volume = null;
        volumeAsked = false;
        bounds = null;
        boundsSoFar = null;
        grid = null;
        probe = null;
        data = null;
        animation.Reset(0);
        var settings = Context.Settings;
        var request = new TraceRequest
        {
            Model = Model.Name, Count = settings.Points, Seed = settings.Seed, Temperature = settings.Temperature,
            IncludeLogDet = settings.Points <= LogDetPoints,
        };
        Context.Start("Trace", async cancellation =>
        {
            using var call = Context.Server.Models.Trace(request, cancellationToken: cancellation);
            FlowTrace? incoming = null;
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellation))
            {
                if (incoming is null)
                {
                    var created = incoming = FlowTrace.For(Model, message, request.IncludeLogDet);
                    Context.Queue.Post(() =>
                    {
                        trace = created;
                        animation.Reset(created.LayerCount);
                    }, cancellation);
                }
                var target = incoming;
                Context.Queue.Post(() =>
                {
                    target.Add(message);
                    if (target.Complete && ReferenceEquals(target, trace))
                    {
                        Arrived(target);
                        OrderSpatially(target);
                    }
                }, cancellation);
            }
        }, Streams);
    }

    /// <summary>The whole trace is here: fit the view to it and ask for the density grids over that window.</summary>
    private void Arrived(FlowTrace complete)
    {
        var window = Padded(complete.Bounds());
        bounds = window;
        var request = new DensityGridRequest
        {
            Model = Model.Name, Columns = GridResolution, Rows = GridResolution, PerLayer = true,
            Bounds = new Bounds { XMin = window.X0, XMax = window.X1, YMin = window.Y0, YMax = window.Y1 },
        };
        RequestGrid(window);
        RequestData();
        // Asked for here when V is already on (a headless render ticks without Update), in Update when V comes later.
        if (Context.Settings.ShowVolume) RequestVolume(window);
        var layers = new DensityLayers(complete.LayerCount, GridResolution, GridResolution, window);
        densities = layers;
        Context.Start("DensityGrid", async cancellation =>
        {
            using var call = Context.Server.Models.DensityGrid(request, cancellationToken: cancellation);
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellation))
                Context.Queue.Post(() => layers.Add(message), cancellation);
        }, Streams);
    }

    /// <summary>
    /// A big trace, once complete, is copied into spatial order (<see cref="SpatialOrder"/>; its base positions set it,
    /// so every layer's state follows) off the render thread, and shown from the next update on: the same picture, drawn
    /// faster. Points then no longer sit in the server's order.
    /// </summary>
    private void OrderSpatially(FlowTrace complete)
    {
        if (complete.Total < SpatialOrderFrom) return;
        ordering = true;
        _ = Task.Run(() =>
        {
            FlowTrace? ordered = null;
            try { ordered = complete.Reordered(SpatialOrder.Of(complete.States[0], complete.Total)); }
            finally
            {
                // Should ordering fail, the scene keeps the trace as it came (slower to splat, the same picture).
                Context.Queue.Post(() =>
                {
                    if (!ReferenceEquals(trace, complete)) return;
                    if (ordered is not null) trace = ordered;
                    ordering = false;
                });
            }
        }, Streams);
    }

    /// <summary>
    /// Lines of constant x and y in the base, traced forward through every layer: how each layer bends space. Drawn as
    /// polylines moving with the points.
    /// </summary>
    private void RequestGrid((float X0, float X1, float Y0, float Y1) window)
    {
        var latents = new float[2 * 2 * GridLines * GridLinePoints];
        int k = 0;
        for (int line = 0; line < GridLines; line++)
        {
            float fixedAt = -3 + 6f * line / (GridLines - 1);
            for (int i = 0; i < GridLinePoints; i++, k += 2) (latents[k], latents[k + 1]) = (-3.5f + 7f * i / (GridLinePoints - 1), fixedAt);
            for (int i = 0; i < GridLinePoints; i++, k += 2) (latents[k], latents[k + 1]) = (fixedAt, -3.5f + 7f * i / (GridLinePoints - 1));
        }
        var request = new TraceRequest { Model = Model.Name, Latents = WireTensors.Of(latents, latents.Length / 2, 2) };
        Context.Start("Trace (grid)", async cancellation =>
        {
            using var call = Context.Server.Models.Trace(request, cancellationToken: cancellation);
            var lines = await FlowTrace.Read(Model, call.ResponseStream, cancellation);
            Context.Queue.Post(() => grid = lines, cancellation);
        }, Streams);
    }

    /// <summary>
    /// The lattice of base points traced with log-dets for the volume-change map, over the same window as the density
    /// grids. Asked for only when V is on: it streams a few megabytes.
    /// </summary>
    private void RequestVolume((float X0, float X1, float Y0, float Y1) window)
    {
        volumeAsked = true;
        var latents = VolumeChangeMap.Lattice();
        var request = new TraceRequest { Model = Model.Name, Latents = WireTensors.Of(latents, latents.Length / 2, 2), IncludeLogDet = true };
        Context.Start("Trace (volume change)", async cancellation =>
        {
            using var call = Context.Server.Models.Trace(request, cancellationToken: cancellation);
            var lattice = await FlowTrace.Read(Model, call.ResponseStream, cancellation, withLogDet: true);
            var map = new VolumeChangeMap(lattice, VolumeResolution, VolumeResolution, window);
            Context.Queue.Post(() => volume = map, cancellation);
        }, Streams);
    }

    /// <summary>Examples of the model's data (SampleData), drawn in white over the last state when X is on.</summary>
    private void RequestData()
    {
        var request = new SampleDataRequest { Model = Model.Name, Count = DataPoints, Seed = 1 };
        Context.Start("SampleData", async cancellation =>
        {
            using var call = Context.Server.Models.SampleData(request, cancellationToken: cancellation);
            var points = await PointStream.Read(call.ResponseStream, DataPoints, chunk => (chunk.Offset, chunk.Points), cancellation);
            Context.Queue.Post(() => data = points, cancellation);
        }, Streams);
    }

    /// <summary>Probes the data point under a click: its inverse trace with log-dets.</summary>
    private void ProbeAt(System.Numerics.Vector2 point)
    {
        if (!Model.Invertible)
        {
            Context.Report($"{Model.Name} has layers without an inverse: points cannot be probed");
            return;
        }
        var request = new TraceRequest { Model = Model.Name, Points = WireTensors.Of([point.X, point.Y], 1, 2), IncludeLogDet = true };
        Context.Start("Trace (probe)", async cancellation =>
        {
            var states = new List<TraceResponse>();
            using var call = Context.Server.Models.Trace(request, cancellationToken: cancellation);
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellation)) states.Add(message);
            Context.Queue.Post(() => probe = new Probe(point, states), cancellation);
        }, Streams);
    }

    public override void Update(double seconds)
    {
        animation.Step(seconds);
        if (Model is not null && Context.Settings.ShowVolume && !volumeAsked && bounds is { } window) RequestVolume(window);
    }

    public override void Draw(IRenderer2D renderer, double alpha, RectangleF area)
    {
        var plot = PlotArea(area);
        if (trace is null || trace.Received == 0) return;
        var view = LastView = panZoom.Apply(FittedView(plot));
        var (from, t) = LayerAnimation.Segment(animation.At(alpha), trace.LayerCount);
        int to = Math.Min(trace.LayerCount, from + 1);

        if (Context.Settings.ShowVolume && volume is { } map)
        {
            var (x0, x1, y0, y1) = map.Window;
            renderer.DrawImage(map.Between(from, (float)t), view.ToPixels(x0, x1, y0, y1), smooth: true);
        }
        else if (Context.Settings.ShowDensity && densities is { } layers && layers.Ready(from, to))
        {
            var image = layers.Between(from, to, (float)t);
            var (x0, x1, y0, y1) = layers.Window;
            renderer.DrawImage(image, view.ToPixels(x0, x1, y0, y1), smooth: true);
        }

        if (Context.Settings.ShowGrid && grid is { Complete: true }) DrawGrid(renderer, view, from, to, (float)t);
        var colours = colourCache.For(trace, colourMode, t < 0.5 ? from : to);
        bool cpu = Context.Settings.PointsPath == PointsPath.Cpu || (Context.Settings.PointsPath == PointsPath.Auto && renderer.IsSoftware);
        if (cpu)
        {
            // Past half a million points the cloud is splatted at half resolution (each point a 2x2 block on screen):
            // a quarter of the pixels to resolve and upload, where at that density single pixels merge anyway.
            int shrink = trace.Received > HalfResolutionFrom ? 2 : 1;
            int w = Math.Max(1, renderer.Width / shrink), h = Math.Max(1, renderer.Height / shrink);
            if (splat is null || splat.Width != w || splat.Height != h) splat = new RgbaImage(w, h);
            var splatView = new ViewTransform(view.Centre, view.Scale / shrink,
                new RectangleF(view.Viewport.X / shrink, view.Viewport.Y / shrink, view.Viewport.Width / shrink, view.Viewport.Height / shrink));
            splatter.Splat(trace.States[from], trace.States[to], (float)t, colours, trace.Received, splatView, splat,
                PointSplatter.FootprintFor(trace.Received));
            renderer.DrawImage(splat, new RectangleF(0, 0, w * shrink, h * shrink), smooth: false);
        }
        else
        {
            // The states change only when the animation crosses a layer or more points arrive: refill (and re-upload) then.
            var holds = (trace, from, to, trace.Received, colourCache.Version);
            if (cloudHolds != holds)
            {
                cloud.From = trace.States[from].Interleaved(trace.Received, cloud.From);
                cloud.To = trace.States[to].Interleaved(trace.Received, cloud.To);
                cloud.Colours = colours.Length == trace.Received ? colours : colours.AsSpan(0, trace.Received).ToArray();
                cloud.Touch();
                cloudHolds = holds;
            }
            renderer.DrawPoints(cloud, (float)t, view, trace.Received > 200_000 ? 1.5f : trace.Received > 20_000 ? 2.5f : 4f);
        }
        if (Context.Settings.ShowData && data is { } examples)
        {
            var marks = new System.Numerics.Vector2[2 * examples.Count];
            for (int i = 0; i < examples.Count; i++)
            {
                var p = view.ToPixels(new(examples.X[i], examples.Y[i]));
                (marks[2 * i], marks[2 * i + 1]) = (p with { X = p.X - 1.5f }, p with { X = p.X + 1.5f });
            }
            renderer.DrawLines(marks, new Rgba(255, 255, 255, 200), 2.5f, LineMode.Segments);
        }
        if (probe is not null)
        {
            probe.DrawPath(renderer, view, animation.At(alpha));
            probe.DrawWaterfall(renderer, new RectangleF(area.Right - 430, area.Bottom - 290, 420, 240));
        }
        if (Context.Settings.ShowVolume && volume is { } shown) VolumeLegend(renderer, new RectangleF(area.Right - 60, area.Y + 70, 18, 220), shown.Scale);
        DrawScrubBar(renderer, area);
    }

    /// <summary>The volume map's colour bar: log|det| from +scale (stretches) through 0 to -scale (squeezes).</summary>
    private static void VolumeLegend(IRenderer2D renderer, RectangleF bar, float scale)
    {
        ColourBar.Fill(renderer, bar, v => PointColours.Diverging(2 * v - 1));
        for (int tick = 0; tick <= 2; tick++)
            renderer.DrawText($"{scale * (1 - tick):+0.0#;-0.0#;0}", new System.Numerics.Vector2(bar.X - 58, bar.Y + bar.Height * tick / 2 - 9), 16, Rgba.White);
        renderer.DrawText("log|det|", new System.Numerics.Vector2(bar.X - 50, bar.Bottom + 8), 16, Rgba.White);
        renderer.DrawText("stretch", new System.Numerics.Vector2(bar.X - 44, bar.Y - 26), 16, new Rgba(230, 90, 80));
        renderer.DrawText("squeeze", new System.Numerics.Vector2(bar.X - 50, bar.Bottom + 30), 16, new Rgba(90, 130, 240));
    }

    private void DrawGrid(IRenderer2D renderer, in ViewTransform view, int from, int to, float t)
    {
        var a = grid!.States[from];
        var b = grid.States[to];
        var line = new System.Numerics.Vector2[GridLinePoints];
        for (int l = 0; l < 2 * GridLines; l++)
        {
            for (int i = 0; i < GridLinePoints; i++)
            {
                int k = l * GridLinePoints + i;
                line[i] = view.ToPixels(new(a.X[k] + t * (b.X[k] - a.X[k]), a.Y[k] + t * (b.Y[k] - a.Y[k])));
            }
            renderer.DrawLines(line, new Rgba(255, 255, 255, 70), 1.2f, LineMode.Strip);
        }
    }

    /// <summary>The bar at the bottom: where the animation is among the layers, with a tick per layer.</summary>
    private void DrawScrubBar(IRenderer2D renderer, RectangleF area)
    {
        if (trace is null || trace.LayerCount == 0) return;
        var bar = ScrubBar(area);
        renderer.FillRectangle(bar, new Rgba(255, 255, 255, 40));
        for (int k = 0; k <= trace.LayerCount; k++)
        {
            float x = bar.X + bar.Width * k / trace.LayerCount;
            renderer.FillRectangle(new RectangleF(x - 1, bar.Y, 2, bar.Height), new Rgba(255, 255, 255, 120));
        }
        float at = (float)(animation.At(1) / trace.LayerCount);
        renderer.FillRectangle(new RectangleF(bar.X, bar.Y, bar.Width * at, bar.Height), new Rgba(120, 190, 255, 140));
    }

    private static RectangleF ScrubBar(RectangleF area) => new(area.X + 40, area.Bottom - 26, area.Width - 80, 12);
    private static RectangleF PlotArea(RectangleF area) => area with { Height = area.Height - 36 };

    private ViewTransform FittedView(RectangleF plot)
    {
        var (x0, x1, y0, y1) = bounds ?? WindowSoFar();
        return ViewTransform.Fit(x0, x1, y0, y1, plot);
    }

    /// <summary>While the trace streams in, the window around the points so far, worked out again only as more arrive.</summary>
    private (float X0, float X1, float Y0, float Y1) WindowSoFar()
    {
        if (boundsSoFar?.Received != trace!.Received) boundsSoFar = (trace.Received, Padded(trace.Bounds()));
        return boundsSoFar!.Value.Window;
    }

    /// <summary>The points' bounds with a margin of 8% each side (and a little more, so a single point still has a window).</summary>
    private static (float X0, float X1, float Y0, float Y1) Padded((float X0, float X1, float Y0, float Y1) b)
    {
        float padX = 0.08f * (b.X1 - b.X0) + 1e-3f, padY = 0.08f * (b.Y1 - b.Y0) + 1e-3f;
        return (b.X0 - padX, b.X1 + padX, b.Y0 - padY, b.Y1 + padY);
    }

    public override bool Handle(ViewerCommand command)
    {
        var settings = Context.Settings;
        switch (command)
        {
            case ViewerCommand.PlayPause: animation.Playing = !animation.Playing; return true;
            case ViewerCommand.StepForward: animation.StepLayer(+1); return true;
            case ViewerCommand.StepBack: animation.StepLayer(-1); return true;
            case ViewerCommand.Faster: animation.Speed = Math.Min(8, animation.Speed * 1.5); return true;
            case ViewerCommand.Slower: animation.Speed = Math.Max(0.1, animation.Speed / 1.5); return true;
            case ViewerCommand.ResetView: panZoom.Reset(); probe = null; return true;
            case ViewerCommand.ToggleColours when trace is { LogDet: null }:
                // Big clouds stream without log-dets (they would double the stream): say how to get them.
                Context.Report($"colours by volume change or log-density need at most {LogDetPoints:N0} points (O for fewer); V shows the volume-change heatmap at any count");
                return true;
            case ViewerCommand.ToggleColours: colourMode = (ColourMode)(((int)colourMode + 1) % 3); return true;
            case ViewerCommand.Warmer: settings.StepTemperature(+1); Restart(); return true;
            case ViewerCommand.Cooler: settings.StepTemperature(-1); Restart(); return true;
            case ViewerCommand.MorePoints: settings.StepPoints(+1); Restart(); return true;
            case ViewerCommand.FewerPoints: settings.StepPoints(-1); Restart(); return true;
            default: return base.Handle(command);
        }
    }

    public override void Pointer(PointerInput input, RectangleF area)
    {
        if (trace is null) return;
        var bar = ScrubBar(area);
        var grow = bar with { Y = bar.Y - 8, Height = bar.Height + 16 };
        if (input is PointerClick click && grow.Contains(click.At) || input is PointerDrag drag && grow.Contains(drag.From))
        {
            float x = input is PointerClick c ? c.At.X : ((PointerDrag)input).To.X;
            animation.Scrub(Math.Clamp((x - bar.X) / bar.Width, 0, 1) * trace.LayerCount);
            return;
        }
        var fitted = FittedView(PlotArea(area));
        if (input is PointerClick probeClick)
        {
            ProbeAt(panZoom.Apply(fitted).ToData(probeClick.At));
            return;
        }
        panZoom.Handle(input, fitted);
    }
}
