using FlowLive.Imaging;
using FlowLive.Protos.V1;
using FlowLive.Viewer.Graphics;
using FlowLive.Viewer.Rendering;
using Grpc.Core;

namespace FlowLive.Viewer.Client;

/// <summary>
/// A 2-D model's <c>Trace</c> as the viewer holds it: every layer's state of the same points (base first), the
/// colour of each point from where it started in the base, and, when asked for, each layer's log-det and each state's
/// log-density per point. Filled chunk by chunk on the render thread as the stream arrives (<see cref="Received"/>
/// points are complete), so the animation starts before the last chunk.
/// </summary>
public sealed class FlowTrace
{
    public FlowTrace(string model, int total, int layerCount, IReadOnlyList<string> layerKinds, long seed, bool withLogDet)
    {
        (Model, Total, LayerCount, Seed) = (model, total, layerCount, seed);
        LayerKinds = layerKinds;
        States = Enumerable.Range(0, layerCount + 1).Select(_ => new PointStates(total)).ToArray();
        Colours = new Rgba[total];
        LogDet = withLogDet ? Enumerable.Range(0, layerCount + 1).Select(_ => new float[total]).ToArray() : null;
        LogProb = withLogDet ? Enumerable.Range(0, layerCount + 1).Select(_ => new float[total]).ToArray() : null;
    }

    /// <summary>The trace of <paramref name="model"/> whose stream opened with <paramref name="first"/> (its size, layers and seed).</summary>
    public static FlowTrace For(ModelInfo model, TraceResponse first, bool withLogDet) =>
        new(model.Name, (int)first.Total, first.LayerCount, model.Layers.Select(l => l.Kind).Prepend("base").ToList(), first.Seed, withLogDet);

    /// <summary>A whole Trace stream of <paramref name="model"/>, read before anything is shown.</summary>
    public static async Task<FlowTrace> Read(ModelInfo model, IAsyncStreamReader<TraceResponse> stream, CancellationToken cancellation, bool withLogDet = false)
    {
        FlowTrace? trace = null;
        await foreach (var message in stream.ReadAllAsync(cancellation))
        {
            trace ??= For(model, message, withLogDet);
            trace.Add(message);
        }
        return trace ?? throw new InvalidDataException($"{model.Name}: the trace was empty");
    }

    public string Model { get; }
    public int Total { get; }
    public int LayerCount { get; }
    public long Seed { get; }

    /// <summary>"base", then each layer's kind.</summary>
    public IReadOnlyList<string> LayerKinds { get; }

    public PointStates[] States { get; }
    public Rgba[] Colours { get; }

    /// <summary>Per state: layer k's forward log-det per point (state 0: zeros). Null unless asked for.</summary>
    public float[][]? LogDet { get; }

    /// <summary>Per state: log-density under the first k layers per point. Null unless asked for.</summary>
    public float[][]? LogProb { get; }

    /// <summary>Points whose every state has arrived (they arrive in order, chunk after chunk).</summary>
    public int Received { get; private set; }

    public bool Complete => Received == Total;

    /// <summary>Takes one message of the stream (one layer's state for one chunk of points).</summary>
    public void Add(TraceResponse message)
    {
        int offset = (int)message.Offset, k = message.LayerIndex;
        if (k < 0 || k > LayerCount) throw new InvalidDataException($"trace message for layer {k} of a {LayerCount}-layer model");
        var values = WireTensors.Floats(message.State);
        if (values.Length != 2 * message.State.Shape[0]) throw new InvalidDataException("the viewer's flow-steps scene draws 2-D states only");
        States[k].Fill(offset, values);
        int n = values.Length / 2;
        if (k == 0) Colour(offset, values);
        if (LogDet is not null && message.LogDet is { } logDet && logDet.Data.Length > 0)
            WireTensors.Floats(logDet).CopyTo(LogDet[k].AsSpan(offset));
        if (LogProb is not null && message.LogProb is { } logProb && logProb.Data.Length > 0)
            WireTensors.Floats(logProb).CopyTo(LogProb[k].AsSpan(offset));
        if (k == LayerCount) Received = Math.Max(Received, offset + n);
    }

    /// <summary>
    /// The same complete trace with its points in <paramref name="order"/> (new index i holds old point order[i]), every
    /// state, colour, log-det and log-density moved alike; see <see cref="SpatialOrder"/> for why.
    /// </summary>
    public FlowTrace Reordered(int[] order)
    {
        if (!Complete) throw new InvalidOperationException("only a complete trace can be reordered");
        if (order.Length != Total) throw new ArgumentException($"the order has {order.Length} points, the trace {Total}", nameof(order));
        var copy = new FlowTrace(Model, Total, LayerCount, LayerKinds, Seed, LogDet is not null) { Received = Total };
        for (int k = 0; k <= LayerCount; k++)
        {
            Gather(States[k].X, copy.States[k].X, order);
            Gather(States[k].Y, copy.States[k].Y, order);
            copy.States[k].Count = Total;
            if (LogDet is not null) Gather(LogDet[k], copy.LogDet![k], order);
            if (LogProb is not null) Gather(LogProb[k], copy.LogProb![k], order);
        }
        Gather(Colours, copy.Colours, order);
        return copy;
    }

    private static void Gather<T>(T[] from, T[] to, int[] order)
    {
        for (int i = 0; i < order.Length; i++) to[i] = from[order[i]];
    }

    /// <summary>Hue by the base angle (as the demo's figures colour points), a little darker towards the centre.</summary>
    private void Colour(int offset, ReadOnlySpan<float> basePoints)
    {
        for (int i = 0; i < basePoints.Length / 2; i++)
        {
            float x = basePoints[2 * i], y = basePoints[2 * i + 1];
            var hue = Colormap.Hue(Math.Atan2(y, x));
            double radius = Math.Sqrt(x * x + y * y);
            double shade = 0.55 + 0.45 * Math.Min(1, radius / 2.5);
            Colours[offset + i] = new Rgba((byte)(hue.R * shade + 40 * (1 - shade)), (byte)(hue.G * shade + 40 * (1 - shade)),
                (byte)(hue.B * shade + 40 * (1 - shade)));
        }
    }

    /// <summary>The bounding box of every state (for fitting the view), from the received points.</summary>
    public (float XMin, float XMax, float YMin, float YMax) Bounds()
    {
        float x0 = float.MaxValue, x1 = float.MinValue, y0 = float.MaxValue, y1 = float.MinValue;
        int n = Received;
        foreach (var state in States)
        {
            // Quantiles would be robust; the 0.5% and 99.5% of a sorted sample are cheap enough here.
            var (lowX, highX) = Range(state.X, n);
            var (lowY, highY) = Range(state.Y, n);
            (x0, x1, y0, y1) = (Math.Min(x0, lowX), Math.Max(x1, highX), Math.Min(y0, lowY), Math.Max(y1, highY));
        }
        return n == 0 ? (-3, 3, -3, 3) : (x0, x1, y0, y1);
    }

    private static (float Low, float High) Range(float[] values, int n)
    {
        if (n == 0) return (0, 0);
        int stride = Math.Max(1, n / 4000);
        var sample = new List<float>(n / stride + 1);
        for (int i = 0; i < n; i += stride) sample.Add(values[i]);
        sample.Sort();
        return (sample[(int)(0.005 * (sample.Count - 1))], sample[(int)(0.995 * (sample.Count - 1))]);
    }
}
