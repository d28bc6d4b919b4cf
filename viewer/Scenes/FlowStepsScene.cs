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
/// network. Optional heatmap: the log-density of the current layer prefix (DensityGrid per layer), cross-faded as
/// the points move from one layer's state to the next.
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
    private (float X0, float X1, float Y0, float Y1)? bounds;

    public override string Title => "Flow steps";

    public override string? Refuses(ModelInfo model) =>
        model.DataShape.Count == 1 && model.DataShape[0] == 2 ? null : $"flow steps draw 2-D models; {model.Name} models data of shape [{string.Join(", ", model.DataShape)}]";

    /// <summary>The trace being shown (tests and the probe read it).</summary>
    public FlowTrace? Trace => trace;
    public LayerAnimation Animation => animation;

    /// <summary>Data to pixels as last drawn (probing a click and tests use it).</summary>
    public ViewTransform LastView { get; private set; }

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
            return $"{Model.Name} · layer {at:0.0} of {trace.LayerCount} ({kind}) · {trace.Received:N0} points{loading} · T {Context.Settings.Temperature:0.0#}" +
                   (animation.Playing ? "" : " · paused");
        }
    }

    public override IEnumerable<(string Keys, string What)> Help =>
    [
        ("Space", "play / pause"), (", .", "step a layer back / forward"), ("[ ]", "slower / faster"),
        ("N", "new samples"), ("- +", "cooler / warmer"), ("P / O", "more / fewer points"), ("D", "density heatmap on/off"),
        ("drag, wheel", "pan, zoom"), ("R", "reset the view"), ("click the bar", "scrub through the layers"),
    ];

    protected override void Started()
    {
        trace = null;
        densities = null;
        bounds = null;
        animation.Reset(0);
        var settings = Context.Settings;
        var request = new TraceRequest
        {
            Model = Model.Name, Count = settings.Points, Seed = settings.Seed, Temperature = settings.Temperature,
        };
        Context.Start("Trace", async cancellation =>
        {
            using var call = Context.Server.Models.Trace(request, cancellationToken: cancellation);
            FlowTrace? incoming = null;
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellation))
            {
                if (incoming is null)
                {
                    var kinds = Model.Layers.Select(l => l.Kind).Prepend("base").ToList();
                    var created = incoming = new FlowTrace(Model.Name, (int)message.Total, message.LayerCount, kinds, message.Seed, withLogDet: false);
                    Context.Queue.Post(() =>
                    {
                        trace = created;
                        animation.Reset(created.LayerCount);
                    });
                }
                var target = incoming;
                Context.Queue.Post(() =>
                {
                    target.Add(message);
                    if (target.Complete && ReferenceEquals(target, trace)) Arrived(target);
                });
            }
        }, Streams);
    }

    /// <summary>The whole trace is here: fit the view to it and ask for the density grids over that window.</summary>
    private void Arrived(FlowTrace complete)
    {
        var (x0, x1, y0, y1) = complete.Bounds();
        float padX = 0.08f * (x1 - x0) + 1e-3f, padY = 0.08f * (y1 - y0) + 1e-3f;
        bounds = (x0 - padX, x1 + padX, y0 - padY, y1 + padY);
        var window = bounds.Value;
        var request = new DensityGridRequest
        {
            Model = Model.Name, Columns = GridResolution, Rows = GridResolution, PerLayer = true,
            Bounds = new Bounds { XMin = window.X0, XMax = window.X1, YMin = window.Y0, YMax = window.Y1 },
        };
        var layers = new DensityLayers(complete.LayerCount, GridResolution, GridResolution, window);
        densities = layers;
        Context.Start("DensityGrid", async cancellation =>
        {
            using var call = Context.Server.Models.DensityGrid(request, cancellationToken: cancellation);
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellation))
                Context.Queue.Post(() => layers.Add(message));
        }, Streams);
    }

    public override void Update(double seconds) => animation.Step(seconds);

    public override void Draw(IRenderer2D renderer, double alpha, RectangleF area)
    {
        var plot = PlotArea(area);
        if (trace is null || trace.Received == 0) return;
        var view = LastView = panZoom.Apply(FittedView(plot));
        var (from, t) = LayerAnimation.Segment(animation.At(alpha), trace.LayerCount);
        int to = Math.Min(trace.LayerCount, from + 1);

        if (Context.Settings.ShowDensity && densities is { } layers && layers.Ready(from, to))
        {
            var image = layers.Between(from, to, (float)t);
            var (x0, x1, y0, y1) = layers.Window;
            var topLeft = view.ToPixels(new(x0, y1));
            var bottomRight = view.ToPixels(new(x1, y0));
            renderer.DrawImage(image, new RectangleF(topLeft.X, topLeft.Y, bottomRight.X - topLeft.X, bottomRight.Y - topLeft.Y), smooth: true);
        }

        bool cpu = Context.Settings.PointsPath == PointsPath.Cpu || (Context.Settings.PointsPath == PointsPath.Auto && renderer.IsSoftware);
        if (cpu)
        {
            if (splat is null || splat.Width != renderer.Width || splat.Height != renderer.Height) splat = new RgbaImage(renderer.Width, renderer.Height);
            splatter.Splat(trace.States[from], trace.States[to], (float)t, trace.Colours, trace.Received, view, splat,
                PointSplatter.FootprintFor(trace.Received));
            renderer.DrawImage(splat, new RectangleF(0, 0, renderer.Width, renderer.Height), smooth: false);
        }
        else
        {
            cloud.From = Interleave(trace.States[from], trace.Received, cloud.From);
            cloud.To = Interleave(trace.States[to], trace.Received, cloud.To);
            cloud.Colours = trace.Colours.AsSpan(0, trace.Received).ToArray();
            cloud.Touch();
            renderer.DrawPoints(cloud, (float)t, view, trace.Received > 200_000 ? 1.5f : trace.Received > 20_000 ? 2.5f : 4f);
        }
        DrawScrubBar(renderer, area);
    }

    private static float[] Interleave(Rendering.PointStates state, int count, float[] reuse)
    {
        var values = reuse.Length == 2 * count ? reuse : new float[2 * count];
        for (int i = 0; i < count; i++)
        {
            values[2 * i] = state.X[i];
            values[2 * i + 1] = state.Y[i];
        }
        return values;
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
        var (x0, x1, y0, y1) = bounds ?? Padded(trace!.Bounds());
        return ViewTransform.Fit(x0, x1, y0, y1, plot);
    }

    private static (float, float, float, float) Padded((float X0, float X1, float Y0, float Y1) b) =>
        (b.X0 - 0.08f * (b.X1 - b.X0), b.X1 + 0.08f * (b.X1 - b.X0), b.Y0 - 0.08f * (b.Y1 - b.Y0), b.Y1 + 0.08f * (b.Y1 - b.Y0));

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
            case ViewerCommand.ResetView: panZoom.Reset(); return true;
            case ViewerCommand.Resample: settings.Seed++; Restart(); return true;
            case ViewerCommand.Warmer: settings.StepTemperature(+1); Restart(); return true;
            case ViewerCommand.Cooler: settings.StepTemperature(-1); Restart(); return true;
            case ViewerCommand.MorePoints: settings.StepPoints(+1); Restart(); return true;
            case ViewerCommand.FewerPoints: settings.StepPoints(-1); Restart(); return true;
            default: return false;
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
        panZoom.Handle(input, FittedView(PlotArea(area)));
    }
}
