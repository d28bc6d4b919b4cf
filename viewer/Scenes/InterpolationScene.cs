using FlowLive.Protos.V1;
using FlowLive.Viewer.Client;
using FlowLive.Viewer.Engine;
using FlowLive.Viewer.Graphics;
using Grpc.Core;

namespace FlowLive.Viewer.Scenes;

/// <summary>
/// Latent interpolation between real digits: pairs of test images (SampleData) are encoded, joined by a linear or
/// spherical path in latent space (Interpolate), and each path is shown as a smooth morph, several pairs side by
/// side, with the path's frames as a strip underneath. I switches linear and spherical.
/// </summary>
public sealed class InterpolationScene : Scene
{
    private const int Pairs = 4, Steps = 24;
    private float[][][]? paths; // pair -> step -> pixels in [0, 1]
    private (int W, int H) size;
    private double clock;
    private InterpolationKind kind = InterpolationKind.Spherical;
    private RgbaImage? canvas;
    private float[][][]? stripsDrawn;
    private int received;

    public override string Title => "Interpolation";

    public override string? Refuses(ModelInfo model) =>
        model.DataKind != DataKind.Image ? $"interpolation morphs images; {model.Name} models points"
        : !model.Invertible ? $"{model.Name} cannot encode images (a layer has no inverse)" : null;

    public override bool Ready => paths is not null && received == Pairs;

    public override double StorySeconds => 8;

    public InterpolationKind Kind => kind;

    /// <summary>The decoded path of each pair (tests compare its ends with the data).</summary>
    public float[][][]? Paths => paths;

    public override string Status => !Ready ? $"{Model?.Name}: waiting for the server"
        : $"{Model.Name} · {Pairs} pairs of test digits · {(kind == InterpolationKind.Spherical ? "spherical" : "linear")} path, {Steps} steps";

    public override IEnumerable<(string Keys, string What)> Help => [("I", "linear / spherical path"), ("N", "other digits")];

    protected override void Started()
    {
        paths = null;
        received = 0;
        var shape = Model.DataShape.ToArray();
        size = ((int)shape[^1], (int)shape[^2]);
        long pixels = shape.Aggregate(1L, (a, b) => a * b);
        var model = Model.Name;
        var seed = Context.Settings.Seed;
        var pathKind = kind;
        Context.Start("SampleData", async cancellation =>
        {
            var examples = new List<float>();
            using (var call = Context.Server.Models.SampleData(new SampleDataRequest { Model = model, Count = 2 * Pairs, Seed = seed }, cancellationToken: cancellation))
                await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellation)) examples.AddRange(WireTensors.Values(chunk.Points));
            // Each attempt (a retry after the server went away) fills its own set of paths; pairs that arrive for
            // a set the scene no longer shows are dropped, so Ready never counts pairs of two attempts.
            var result = new float[Pairs][][];
            Context.Queue.Post(() => (paths, received) = (result, 0), cancellation);
            for (int pair = 0; pair < Pairs; pair++)
            {
                var ends = examples.Skip((int)(2 * pair * pixels)).Take((int)(2 * pixels)).ToArray();
                var request = new InterpolateRequest { Model = model, DataEnds = WireTensors.Of(ends, [2, .. shape]), Kind = pathKind, Steps = Steps };
                var frames = new float[Steps][];
                using var call = Context.Server.Models.Interpolate(request, cancellationToken: cancellation);
                await foreach (var step in call.ResponseStream.ReadAllAsync(cancellation))
                    frames[step.Step] = WireTensors.Values(step.Point).Select(v => Math.Clamp(v, 0f, 1f)).ToArray();
                int index = pair;
                Context.Queue.Post(() =>
                {
                    if (!ReferenceEquals(paths, result)) return;
                    result[index] = frames;
                    received++;
                }, cancellation);
            }
        }, Streams);
    }

    public override void Update(double seconds) => clock += seconds;

    public override void Draw(IRenderer2D renderer, double alpha, RectangleF area)
    {
        if (!Ready) return;
        var (w, h) = size;
        // Ping-pong along the path, resting a moment at each real digit.
        double phase = clock / 2.5 % 2;
        double t = Math.Clamp(phase < 1 ? phase * 1.2 - 0.1 : (2 - phase) * 1.2 - 0.1, 0, 1);
        int bigZoom = 4, pad = 6;
        int width = Pairs * (w * bigZoom + pad), height = h * bigZoom + pad + Pairs * (h + 2);
        width = Math.Max(width, Steps * (w + 2));
        if (canvas is null || canvas.Width != width || canvas.Height != height)
        {
            canvas = new RgbaImage(width, height);
            stripsDrawn = null;
        }
        // The strips of every path's frames stand still: drawn once per set of paths; only the morphs change.
        if (!ReferenceEquals(stripsDrawn, paths))
        {
            Array.Clear(canvas.Pixels);
            for (int pair = 0; pair < Pairs; pair++)
                for (int s = 0; s < Steps; s++)
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++)
                        {
                            byte g = (byte)(255 * paths![pair][s][y * w + x]);
                            canvas[s * (w + 2) + x, h * bigZoom + pad + pair * (h + 2) + y] = new Rgba(g, g, g);
                        }
            stripsDrawn = paths;
        }
        for (int pair = 0; pair < Pairs; pair++)
        {
            var frames = paths![pair];
            double position = t * (Steps - 1);
            int a = Math.Min((int)position, Steps - 2);
            float f = (float)(position - a);
            for (int y = 0; y < h * bigZoom; y++)
                for (int x = 0; x < w * bigZoom; x++)
                {
                    int k = (y / bigZoom) * w + x / bigZoom;
                    float v = frames[a][k] + (frames[a + 1][k] - frames[a][k]) * f;
                    byte g = (byte)(255 * v);
                    canvas[pair * (w * bigZoom + pad) + x, y] = new Rgba(g, g, g);
                }
        }
        canvas.Touch();
        float scale = Math.Min((area.Width - 40) / canvas.Width, (area.Height - 80) / canvas.Height);
        renderer.DrawImage(canvas, new RectangleF(area.X + (area.Width - canvas.Width * scale) / 2, area.Y + 60, canvas.Width * scale, canvas.Height * scale), smooth: false);
    }

    public override bool Handle(ViewerCommand command)
    {
        switch (command)
        {
            case ViewerCommand.Interpolation:
                kind = kind == InterpolationKind.Spherical ? InterpolationKind.Linear : InterpolationKind.Spherical;
                Restart();
                return true;
            default:
                return base.Handle(command);
        }
    }
}
