using FlowLive.Flows;
using static TorchSharp.torch;

namespace FlowLive.Imaging;

/// <summary>What <see cref="FlowSnapshot2D.Capture"/> computes.</summary>
public sealed record FlowSnapshot2DOptions
{
    /// <summary>Base samples traced through the layers (and data points kept).</summary>
    public int Points { get; init; } = 2000;
    /// <summary>Seed of the base samples; the same seed gives the same points and colours.</summary>
    public long Seed { get; init; }
    /// <summary>Where the log-density is evaluated; null for no density grid.</summary>
    public GridWindow? Window { get; init; } = GridWindow.Square(4.0, 110);
    /// <summary>Also evaluate the density of every prefix (after 0, 1, .., K layers): costs K/2 times the full grid.</summary>
    public bool PrefixDensities { get; init; }
    /// <summary>Extra samples of the whole flow at these temperatures (temperature i drawn with seed Seed + 1 + i).</summary>
    public IReadOnlyList<double> Temperatures { get; init; } = [];
    public int BatchSize { get; init; } = DensityGrid.DefaultBatchSize;
}

/// <summary>Samples of the whole flow at one temperature, as [x, y] pairs.</summary>
public sealed record TemperedSamples(double Temperature, float[] Points);

/// <summary>
/// The numbers of a 2-D flow at work, as plain arrays (no tensors kept): N base samples and their state after every
/// layer (from <see cref="Flow.Trace"/>, base first), each point's angle and radius in the base and a colour by its
/// angle (so a point can be followed from layer to layer), log p(x) on a grid for the whole flow and optionally for
/// every prefix (<see cref="Flow.Prefix"/>(k).LogProb), and data points with their latents. The demo figure, the server's trace and
/// density messages and the viewer all read this.
/// </summary>
public sealed class FlowSnapshot2D
{
    FlowSnapshot2D(IReadOnlyList<float[]> states, IReadOnlyList<string> stateNames, float[] baseAngle, float[] baseRadius,
        DensityGrid? density, IReadOnlyList<DensityGrid>? prefixDensities, float[]? data, float[]? dataLatents,
        IReadOnlyList<TemperedSamples> tempered, long seed)
    {
        States = states;
        StateNames = stateNames;
        BaseAngle = baseAngle;
        BaseRadius = baseRadius;
        Colours = states[0].Chunk(2).Select(z => Colormap.Hue(Math.Atan2(z[1], z[0]))).ToArray();
        Density = density;
        PrefixDensities = prefixDensities;
        Data = data;
        DataLatents = dataLatents;
        TemperedSamples = tempered;
        Seed = seed;
    }

    public long Seed { get; }
    public int PointCount => BaseAngle.Length;
    public int LayerCount => States.Count - 1;

    /// <summary>States[k] is the state after k layers as [x, y] pairs (States[0] the base samples, States[^1] the flow's samples).</summary>
    public IReadOnlyList<float[]> States { get; }
    /// <summary>"base", then each layer's kind (e.g. "affine_coupling"), one per state.</summary>
    public IReadOnlyList<string> StateNames { get; }
    public float[] Samples => States[^1];

    /// <summary>atan2(z_y, z_x) of each base sample, in (-pi, pi].</summary>
    public float[] BaseAngle { get; }
    /// <summary>|z| of each base sample.</summary>
    public float[] BaseRadius { get; }
    /// <summary>Each point's colour: the hue of its base angle (<see cref="Colormap.Hue"/>).</summary>
    public Rgb[] Colours { get; }

    /// <summary>log p(x) of the whole flow on the window; null when no window was asked for.</summary>
    public DensityGrid? Density { get; }
    /// <summary>PrefixDensities[k]: log-density after the first k layers (k = 0 the base, k = K the whole flow); null unless asked.</summary>
    public IReadOnlyList<DensityGrid>? PrefixDensities { get; }
    /// <summary>Up to Points data points as [x, y] pairs; null when no data was given.</summary>
    public float[]? Data { get; }
    /// <summary>The data pushed to the base, z = f^-1(x) (<see cref="Flow.Encode"/>), pair for pair with <see cref="Data"/>.</summary>
    public float[]? DataLatents { get; }
    public IReadOnlyList<TemperedSamples> TemperedSamples { get; }

    /// <summary>
    /// Takes the snapshot under no_grad, each step in its own dispose scope: no tensor outlives the call. The flow
    /// should be in evaluation mode when it has batch-norm layers. <paramref name="data"/> is [n, 2]; its first
    /// Points rows are kept.
    /// </summary>
    public static FlowSnapshot2D Capture(Flow flow, FlowSnapshot2DOptions? options = null, Tensor? data = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        options ??= new FlowSnapshot2DOptions();
        if (flow.DataShape != Shape.Vector(2) || flow.LatentShape != Shape.Vector(2))
            throw new ArgumentException($"a 2-D snapshot needs a flow from 2-D to 2-D, this one maps {flow.LatentShape} to {flow.DataShape}", nameof(flow));
        if (options.Points < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Points, "Points must be at least 1");
        if (data is not null && (data.dim() != 2 || data.shape[1] != 2))
            throw new ArgumentException($"data must be [n, 2], got [{string.Join(", ", data.shape)}]", nameof(data));

        using var _ = no_grad();
        var (states, baseAngle, baseRadius) = TraceStates(flow, options);
        var names = new List<string> { "base" };
        names.AddRange(flow.Layers.Select(l => Models.SpecJson.KindOf(l.Spec.GetType())));

        DensityGrid? density = null;
        List<DensityGrid>? prefixes = null;
        if (options.Window is { } window)
        {
            density = DensityGrid.Evaluate(flow, window, options.BatchSize);
            if (options.PrefixDensities)
            {
                prefixes = [];
                for (int k = 0; k < flow.LayerCount; k++)
                    prefixes.Add(DensityGrid.Evaluate(flow.Prefix(k), window, options.BatchSize));
                prefixes.Add(density);
            }
        }

        float[]? dataPoints = null, dataLatents = null;
        if (data is not null)
        {
            using var scope = NewDisposeScope();
            var kept = data[TensorIndex.Slice(0, options.Points)];
            dataPoints = FlowTensors.Floats(kept);
            var (dtype, device) = FlowTensors.DtypeAndDevice(flow);
            dataLatents = FlowTensors.Floats(flow.Encode(kept.to(dtype, device)).z);
        }

        var tempered = new List<TemperedSamples>();
        for (int i = 0; i < options.Temperatures.Count; i++)
        {
            using var scope = NewDisposeScope();
            double t = options.Temperatures[i];
            tempered.Add(new TemperedSamples(t, FlowTensors.Floats(flow.Sample(options.Points, temperature: t, seed: options.Seed + 1 + i))));
        }
        return new FlowSnapshot2D(states, names, baseAngle, baseRadius, density, prefixes, dataPoints, dataLatents, tempered, options.Seed);
    }

    static (List<float[]> States, float[] Angle, float[] Radius) TraceStates(Flow flow, FlowSnapshot2DOptions options)
    {
        using var scope = NewDisposeScope();
        var z = flow.Base.Sample(options.Points, seed: options.Seed);
        var states = flow.Trace(z).Select(FlowTensors.Floats).ToList();
        var basePoints = states[0];
        var angle = new float[options.Points];
        var radius = new float[options.Points];
        for (int i = 0; i < options.Points; i++)
        {
            double x = basePoints[2 * i], y = basePoints[2 * i + 1];
            angle[i] = (float)Math.Atan2(y, x);
            radius[i] = (float)Math.Sqrt(x * x + y * y);
        }
        return (states, angle, radius);
    }
}
