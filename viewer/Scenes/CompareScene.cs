using FlowLive.Protos.V1;
using FlowLive.Viewer.Client;
using FlowLive.Viewer.Engine;
using FlowLive.Viewer.Graphics;
using FlowLive.Viewer.Rendering;
using Grpc.Core;

namespace FlowLive.Viewer.Scenes;

/// <summary>
/// Two models side by side on the same base samples (e.g. RealNVP against splines on the chequerboard): the left
/// model's server draw is traced through it, and the very same latents are traced through the right model, so
/// every colour marks the same base point in both halves and the layers can be compared step for step.
/// </summary>
public sealed class CompareScene : Scene
{
    private const int Points = 50_000;
    private readonly LayerAnimation animation = new(0);
    private readonly PointSplatter left = new(), right = new();
    private FlowTrace? a, b;
    private (float X0, float X1, float Y0, float Y1) aBounds, bBounds;
    private RgbaImage? leftImage, rightImage;
    /// <summary>The right-hand model: the next 2-D model after the chosen one, preferring one trained on the same data.</summary>
    private ModelInfo? other;

    public override string Title => "Compare";

    public override string? Refuses(ModelInfo model) =>
        IsTwoD(model) ? null : $"comparison draws 2-D models; {model.Name} is not one";

    public override bool Ready => a is { Complete: true } && b is { Complete: true };

    public override double StorySeconds => animation.RoundTripSeconds;

    public override string Status => other is null ? $"{Model?.Name}: needs a second 2-D model on the server"
        : $"{Model.Name} | {other.Name} · same {Points:N0} base points · {(a?.Complete == true && b?.Complete == true ? $"position {animation.At(1):0.0}" : "receiving")}";

    public override IEnumerable<(string Keys, string What)> Help => [("Space", "play / pause"), ("Tab", "change the left model (the right follows)")];

    protected override void Started()
    {
        (a, b) = (null, null);
        animation.Reset(0);
        Context.Start("ListModels", async cancellation =>
        {
            var models = (await Context.Server.Models.ListModelsAsync(new ListModelsRequest(), cancellationToken: cancellation)).Models
                .Where(m => m.Status == ModelStatus.Serving && Refuses(m) is null && m.Name != Model.Name).ToList();
            var partner = Partner(Model, models);
            Context.Queue.Post(() => other = partner, cancellation);
            if (partner is null) return;
            var first = await TraceOf(Model, new TraceRequest { Model = Model.Name, Count = Points, Seed = Context.Settings.Seed }, cancellation);
            var firstBounds = first.Bounds();
            Context.Queue.Post(() => (a, aBounds) = (first, firstBounds), cancellation);
            var latents = first.States[0].Interleaved(first.Total);
            var second = await TraceOf(partner, new TraceRequest { Model = partner.Name, Latents = WireTensors.Of(latents, first.Total, 2), ChunkSize = 4096 }, cancellation);
            var secondBounds = second.Bounds();
            Context.Queue.Post(() =>
            {
                (b, bBounds) = (second, secondBounds);
                animation.Reset(Math.Max(first.LayerCount, second.LayerCount));
            }, cancellation);
        }, Streams);
    }

    /// <summary>
    /// The right-hand model: one trained on the same dataset, else on a variant of it (the datasets' names share a word:
    /// "chequerboard" and "dtu_chequerboard", "two_moons" and "moons_standardized"), else the first other 2-D model.
    /// </summary>
    public static ModelInfo? Partner(ModelInfo chosen, IReadOnlyList<ModelInfo> others)
    {
        static HashSet<string> Words(string dataset) => [.. dataset.ToLowerInvariant().Split(['_', '-', ' '], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length > 3)];
        var words = Words(chosen.Dataset);
        return others.FirstOrDefault(m => m.Dataset == chosen.Dataset && m.Dataset != "")
               ?? others.Where(m => Words(m.Dataset).Overlaps(words)).MaxBy(m => Words(m.Dataset).Intersect(words).Count())
               ?? others.FirstOrDefault();
    }

    private async Task<FlowTrace> TraceOf(ModelInfo model, TraceRequest request, CancellationToken cancellation)
    {
        using var call = Context.Server.Models.Trace(request, cancellationToken: cancellation);
        return await FlowTrace.Read(model, call.ResponseStream, cancellation);
    }

    public override void Update(double seconds) => animation.Step(seconds);

    public override void Draw(IRenderer2D renderer, double alpha, RectangleF area)
    {
        if (a is not { Complete: true } || b is not { Complete: true }) return;
        float half = area.Width / 2;
        // Each model moves through its own layers at the same pace, so both reach their data at the same moment.
        double at = animation.At(alpha) / animation.LayerCount;
        Half(renderer, a, aBounds, at, left, ref leftImage, new RectangleF(area.X, area.Y + 50, half - 5, area.Height - 60));
        Half(renderer, b, bBounds, at, right, ref rightImage, new RectangleF(area.X + half + 5, area.Y + 50, half - 5, area.Height - 60));
        renderer.FillRectangle(new RectangleF(area.X + half - 1, area.Y + 50, 2, area.Height - 60), new Rgba(255, 255, 255, 60));
        renderer.DrawText(a.Model, new(area.X + 14, area.Bottom - 34), 20, Rgba.White);
        renderer.DrawText(b.Model, new(area.X + half + 19, area.Bottom - 34), 20, Rgba.White);
    }

    /// <param name="bounds">The trace's <see cref="FlowTrace.Bounds"/>, worked out once when it arrived.</param>
    private static void Half(IRenderer2D renderer, FlowTrace trace, (float X0, float X1, float Y0, float Y1) bounds, double fraction, PointSplatter splatter,
        ref RgbaImage? image, RectangleF box)
    {
        var (from, t) = LayerAnimation.Segment(fraction * trace.LayerCount, trace.LayerCount);
        var (x0, x1, y0, y1) = bounds;
        var view = ViewTransform.Fit(x0, x1, y0, y1, new RectangleF(0, 0, box.Width, box.Height));
        if (image is null || image.Width != (int)box.Width || image.Height != (int)box.Height) image = new RgbaImage(Math.Max(1, (int)box.Width), Math.Max(1, (int)box.Height));
        splatter.Splat(trace.States[from], trace.States[Math.Min(trace.LayerCount, from + 1)], (float)t, trace.Colours, trace.Received, view, image,
            PointSplatter.FootprintFor(trace.Received));
        renderer.DrawImage(image, box, smooth: false);
    }

    public override bool Handle(ViewerCommand command)
    {
        switch (command)
        {
            case ViewerCommand.PlayPause: animation.Playing = !animation.Playing; return true;
            default: return base.Handle(command);
        }
    }
}
