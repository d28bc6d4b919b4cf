using FlowLive.Protos.V1;
using Google.Protobuf;
using Grpc.Core;
using static FlowLive.Tests.Server.ServedModels;
using Client = FlowLive.Protos.V1.ModelService.ModelServiceClient;
using ProtoTensor = FlowLive.Protos.V1.Tensor;

namespace FlowLive.Tests.Server;

/// <summary>One bad request: the status it must answer and what its message must name.</summary>
/// <param name="Field">The message starts with "field: " (empty when the status names no field, e.g. a precondition).</param>
/// <param name="Mentions">A part of the message: the cap, the problem, the model.</param>
public sealed record BadRequest(string Name, StatusCode Code, string Field, string Mentions, Func<Client, Task> Call);

/// <summary>
/// Every rpc x every invalid field of models.proto, against the models and lowered caps of <see cref="ServedModels"/>.
/// Streams must fail before their first message (the checks come before any work).
/// </summary>
public static class BadRequestTable
{
    const StatusCode Invalid = StatusCode.InvalidArgument;
    const StatusCode OverCap = StatusCode.ResourceExhausted;
    const StatusCode NotFound = StatusCode.NotFound;
    const StatusCode Precondition = StatusCode.FailedPrecondition;

    public static readonly IReadOnlyList<BadRequest> All = Build();

    static List<BadRequest> Build()
    {
        var rows = new List<BadRequest>();
        void Add(string name, StatusCode code, string field, string mentions, Func<Client, Task> call) =>
            rows.Add(new BadRequest(name, code, field, mentions, call));

        // The model field, for every rpc that takes one.
        var byModel = new (string Rpc, Func<string, Func<Client, Task>> Call)[]
        {
            ("GetModel", m => async c => await c.GetModelAsync(new GetModelRequest { Model = m })),
            ("Sample", m => Stream(c => c.Sample(new SampleRequest { Model = m, Count = 3 }))),
            ("Trace", m => Stream(c => c.Trace(new TraceRequest { Model = m, Count = 3 }))),
            ("Encode", m => async c => await c.EncodeAsync(new EncodeRequest { Model = m, Points = Points(2) })),
            ("Decode", m => async c => await c.DecodeAsync(new DecodeRequest { Model = m, Latents = Points(2) })),
            ("LogProb", m => async c => await c.LogProbAsync(new LogProbRequest { Model = m, Points = Points(2) })),
            ("DensityGrid", m => Stream(c => c.DensityGrid(new DensityGridRequest { Model = m, Columns = 8 }))),
            ("Interpolate", m => Stream(c => c.Interpolate(new InterpolateRequest { Model = m, Steps = 3, LatentEnds = Points(2) }))),
            ("SampleData", m => Stream(c => c.SampleData(new SampleDataRequest { Model = m, Count = 3 }))),
        };
        foreach (var (rpc, call) in byModel)
        {
            Add($"{rpc} model: empty", Invalid, "model", "is required", call(""));
            Add($"{rpc} model: blank", Invalid, "model", "is required", call("  "));
            Add($"{rpc} model: unknown", NotFound, "", "no model named 'no-such-model'", call("no-such-model"));
            if (rpc != "GetModel") // GetModel describes a failed model (with its error) rather than refusing it
                Add($"{rpc} model: failed", Precondition, "", $"model '{NaNWeights}' is not serving", call(NaNWeights));
        }

        // Sample and Trace's draw: count, temperature, chunk size.
        var draws = new (string Rpc, Func<string, long, double?, int, Func<Client, Task>> Call)[]
        {
            ("Sample", (m, n, t, chunk) => Stream(c => c.Sample(WithTemperature(new SampleRequest { Model = m, Count = n, Seed = 1, ChunkSize = chunk }, t)))),
            ("Trace", (m, n, t, chunk) => Stream(c => c.Trace(WithTemperature(new TraceRequest { Model = m, Count = n, Seed = 1, ChunkSize = chunk }, t)))),
        };
        foreach (long n in new[] { 0L, -1L })
            Add($"SampleData count: {n}", Invalid, "count", "must be at least 1", Stream(c => c.SampleData(new SampleDataRequest { Model = Moons, Count = n })));
        Add("SampleData count: over MaxPoints", OverCap, "count", $"Limits:MaxPoints = {MaxPoints}",
            Stream(c => c.SampleData(new SampleDataRequest { Model = Moons, Count = MaxPoints + 1 })));
        Add("SampleData count: digits over MaxFloats", OverCap, "count", "Limits:MaxFloats",
            Stream(c => c.SampleData(new SampleDataRequest { Model = Digits, Count = MaxFloats / 784 + 1 })));
        Add("SampleData model: no data it can rebuild", Precondition, "", $"model '{Planar}'",
            Stream(c => c.SampleData(new SampleDataRequest { Model = Planar, Count = 3 })));
        foreach (var (rpc, call) in draws)
        {
            foreach (long n in new[] { 0L, -1L, long.MinValue })
                Add($"{rpc} count: {n}", Invalid, "count", "must be at least 1", call(Moons, n, null, 0));
            Add($"{rpc} count: over MaxPoints", OverCap, "count", $"Limits:MaxPoints = {MaxPoints}", call(Moons, MaxPoints + 1, null, 0));
            Add($"{rpc} count: long.MaxValue", OverCap, "count", "Limits:MaxPoints", call(Moons, long.MaxValue, null, 0));
            Add($"{rpc} count: digits over MaxFloats", OverCap, "count", "Limits:MaxFloats", call(Digits, MaxFloats / 784 + 1, null, 0));
            foreach (double t in new[] { 0, -0.0, -1, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 11, 10.000001 })
                Add($"{rpc} temperature: {t}", Invalid, "temperature", "must be finite, above 0 and at most 10", call(Moons, 3, t, 0));
            Add($"{rpc} chunk_size: -1", Invalid, "chunk_size", "must be 0 (server's choice) or more", call(Moons, 3, null, -1));
            Add($"{rpc} chunk_size: int.MinValue", Invalid, "chunk_size", "must be 0", call(Moons, 3, null, int.MinValue));
        }
        Add("Sample chunk_size: over one message", OverCap, "chunk_size", "Limits:MaxMessageBytes",
            Stream(c => c.Sample(new SampleRequest { Model = Moons, Count = 3, ChunkSize = MaxMessageBytes / 8 + 1 })));
        Add("Sample chunk_size: digits over one message", OverCap, "chunk_size", "Limits:MaxMessageBytes",
            Stream(c => c.Sample(new SampleRequest { Model = Digits, Count = 3, ChunkSize = MaxMessageBytes / (4 * 784) + 1 })));
        Add("Trace chunk_size: int.MaxValue", OverCap, "chunk_size", "Limits:MaxMessageBytes",
            Stream(c => c.Trace(new TraceRequest { Model = Moons, Count = 3, ChunkSize = int.MaxValue })));

        // Every tensor field.
        var tensorFields = new (string Rpc, string Field, bool TwoEnds, Func<ProtoTensor?, Func<Client, Task>> Call)[]
        {
            ("Encode", "points", false, t => async c => await c.EncodeAsync(new EncodeRequest { Model = Moons, Points = t })),
            ("Decode", "latents", false, t => async c => await c.DecodeAsync(new DecodeRequest { Model = Moons, Latents = t })),
            ("LogProb", "points", false, t => async c => await c.LogProbAsync(new LogProbRequest { Model = Moons, Points = t })),
            ("Trace", "points", false, t => Stream(c => c.Trace(new TraceRequest { Model = Moons, Points = t }))),
            ("Trace", "latents", false, t => Stream(c => c.Trace(new TraceRequest { Model = Moons, Latents = t }))),
            ("Interpolate", "latent_ends", true, t => Stream(c => c.Interpolate(new InterpolateRequest { Model = Moons, Steps = 3, LatentEnds = t }))),
            ("Interpolate", "data_ends", true, t => Stream(c => c.Interpolate(new InterpolateRequest { Model = Moons, Steps = 3, DataEnds = t }))),
        };
        foreach (var (rpc, field, twoEnds, call) in tensorFields)
        {
            foreach (var (problem, code, mentions, tensor) in BadTensors([2], twoEnds ? 2 : 3))
            {
                // A Trace without points or latents draws them (then `count` is at fault); an Interpolate without ends names the oneof.
                if (tensor is null && rpc == "Trace") continue;
                if (tensor is null && rpc == "Interpolate") Add($"{rpc} {field}: {problem}", Invalid, "ends", "set data_ends or latent_ends", call(tensor));
                else Add($"{rpc} {field}: {problem}", code, field, mentions, call(tensor));
            }
        }
        foreach (var (problem, code, mentions, tensor) in BadTensors([1, 28, 28], 3).Where(b => b.Tensor is not null))
            Add($"Encode digit points: {problem}", code, "points", mentions,
                async c => await c.EncodeAsync(new EncodeRequest { Model = Digits, Points = tensor }));

        Add("Decode digit latents: data-shaped", Invalid, "latents", "this model takes [n, 4, 14, 14]",
            async c => await c.DecodeAsync(new DecodeRequest { Model = Digits, Latents = WireTensors.Of(new float[2 * 784], 2, 1, 28, 28) }));
        Add("LogProb digit points: latent-shaped", Invalid, "points", "this model takes [n, 1, 28, 28]",
            async c => await c.LogProbAsync(new LogProbRequest { Model = Digits, Points = WireTensors.Of(new float[2 * 784], 2, 4, 14, 14) }));

        Add("Trace latents: with points too", Invalid, "latents", "give points or latents, not both",
            Stream(c => c.Trace(new TraceRequest { Model = Moons, Points = Points(2), Latents = Points(2) })));
        Add("Trace latents: digit data-shaped", Invalid, "latents", "this model takes [n, 4, 14, 14]",
            Stream(c => c.Trace(new TraceRequest { Model = Digits, Latents = WireTensors.Of(new float[784], 1, 1, 28, 28) })));

        // Interpolate: the path.
        Add("Interpolate latent_ends: 3 points", Invalid, "latent_ends", "needs exactly 2 points (start and end), got 3",
            Stream(c => c.Interpolate(new InterpolateRequest { Model = Moons, Steps = 3, LatentEnds = Points(3) })));
        Add("Interpolate latent_ends: 1 point", Invalid, "latent_ends", "needs exactly 2 points (start and end), got 1",
            Stream(c => c.Interpolate(new InterpolateRequest { Model = Moons, Steps = 3, LatentEnds = Points(1) })));
        Add("Interpolate data_ends: 3 points", Invalid, "data_ends", "needs exactly 2 points",
            Stream(c => c.Interpolate(new InterpolateRequest { Model = Moons, Steps = 3, DataEnds = Points(3) })));
        Add("Interpolate digit latent_ends: points instead of images", Invalid, "latent_ends", "has shape [2, 2]",
            Stream(c => c.Interpolate(new InterpolateRequest { Model = Digits, Steps = 3, LatentEnds = Points(2) })));
        foreach (int steps in new[] { 1, 0, -1, int.MinValue })
            Add($"Interpolate steps: {steps}", Invalid, "steps", "must be at least 2 (both ends)",
                Stream(c => c.Interpolate(new InterpolateRequest { Model = Moons, Steps = steps, LatentEnds = Points(2) })));
        Add("Interpolate steps: over MaxSteps", OverCap, "steps", $"Limits:MaxSteps = {MaxSteps}",
            Stream(c => c.Interpolate(new InterpolateRequest { Model = Moons, Steps = MaxSteps + 1, LatentEnds = Points(2) })));
        foreach (int kind in new[] { 99, 3, -1 })
            Add($"Interpolate kind: {kind}", Invalid, "kind", $"unknown interpolation kind {kind}",
                Stream(c => c.Interpolate(new InterpolateRequest { Model = Moons, Steps = 3, Kind = (InterpolationKind)kind, LatentEnds = Points(2) })));

        // DensityGrid: the grid and its window.
        Func<Client, Task> Grid(int columns, int rows, Bounds? bounds = null, string model = Moons) =>
            Stream(c => c.DensityGrid(new DensityGridRequest { Model = model, Columns = columns, Rows = rows, Bounds = bounds }));
        Add("DensityGrid columns: -1", Invalid, "columns", "must be 0 (200) or more", Grid(-1, 8));
        Add("DensityGrid rows: -1", Invalid, "rows", "must be 0 (as many as columns) or more", Grid(8, -1));
        Add("DensityGrid columns: int.MinValue", Invalid, "columns", "must be 0", Grid(int.MinValue, 0));
        Add("DensityGrid columns: over MaxGridSide", OverCap, "columns", $"Limits:MaxGridSide = {MaxGridSide}", Grid(MaxGridSide + 1, 8));
        Add("DensityGrid rows: over MaxGridSide", OverCap, "rows", $"Limits:MaxGridSide = {MaxGridSide}", Grid(8, MaxGridSide + 1));
        Add("DensityGrid columns: 0 means 200, over MaxGridSide", OverCap, "columns", "asks for 200 columns", Grid(0, 8));
        Add("DensityGrid rows: 0 means as many as columns, over MaxGridCells", OverCap, "columns", "Limits:MaxGridCells", Grid(MaxGridSide, 0));
        Add("DensityGrid cells: over MaxGridCells", OverCap, "columns", $"{MaxGridSide} x {MaxGridSide} is", Grid(MaxGridSide, MaxGridSide));
        Add("DensityGrid columns: int.MaxValue", OverCap, "columns", "Limits:MaxGridSide", Grid(int.MaxValue, int.MaxValue));
        var badBounds = new (string Problem, Bounds Bounds, string Mentions)[]
        {
            ("x inverted", new Bounds { XMin = 1, XMax = -1, YMin = -1, YMax = 1 }, "x_min and x_max"),
            ("y inverted", new Bounds { XMin = -1, XMax = 1, YMin = 1, YMax = -1 }, "y_min and y_max"),
            ("x empty", new Bounds { XMin = 1, XMax = 1, YMin = -1, YMax = 1 }, "x_min < x_max"),
            ("all zero (unset)", new Bounds(), "x_min < x_max"),
            ("x_min NaN", new Bounds { XMin = double.NaN, XMax = 1, YMin = -1, YMax = 1 }, "must be finite"),
            ("y_max NaN", new Bounds { XMin = -1, XMax = 1, YMin = -1, YMax = double.NaN }, "must be finite"),
            ("x_max infinite", new Bounds { XMin = -1, XMax = double.PositiveInfinity, YMin = -1, YMax = 1 }, "must be finite"),
            ("y_min infinite", new Bounds { XMin = -1, XMax = 1, YMin = double.NegativeInfinity, YMax = 1 }, "must be finite"),
        };
        foreach (var (problem, bounds, mentions) in badBounds)
            Add($"DensityGrid bounds: {problem}", Invalid, "bounds", mentions, Grid(8, 8, bounds));
        Add("DensityGrid model: an image model", Precondition, "", "density grids need a 2-D model", Grid(8, 8, model: Digits));

        // Asking a model for what it cannot do.
        Add("Encode model: no inverse", Precondition, "", $"model '{Planar}' cannot encode: its layers PlanarFlow have no inverse",
            async c => await c.EncodeAsync(new EncodeRequest { Model = Planar, Points = Points(2) }));
        Add("LogProb model: no inverse", Precondition, "", "cannot evaluate log-densities",
            async c => await c.LogProbAsync(new LogProbRequest { Model = Planar, Points = Points(2) }));
        Add("Trace points: model without an inverse", Precondition, "", "cannot trace data points",
            Stream(c => c.Trace(new TraceRequest { Model = Planar, Points = Points(2) })));
        Add("Interpolate data_ends: model without an inverse", Precondition, "", "cannot interpolate between data points",
            Stream(c => c.Interpolate(new InterpolateRequest { Model = Planar, Steps = 3, DataEnds = Points(2) })));
        Add("DensityGrid model: no inverse", Precondition, "", "cannot evaluate a density grid", Grid(8, 8, model: Planar));

        return rows;
    }

    /// <summary>Tensors that are wrong for a field of per-sample shape <paramref name="sample"/>; <paramref name="n"/> samples where the count is not at fault.</summary>
    static IEnumerable<(string Problem, StatusCode Code, string Mentions, ProtoTensor? Tensor)> BadTensors(long[] sample, int n)
    {
        long size = sample.Aggregate(1L, (a, b) => a * b);
        float[] Values(long count, float value = 0.25f) => Enumerable.Repeat(value, (int)count).ToArray();
        float[] With(float bad) { var v = Values(n * size); v[^1] = bad; return v; }
        long[] Batch(long count) => [count, .. sample];
        string shape = string.Join(", ", sample);

        yield return ("missing", Invalid, "is required", null);
        yield return ("no shape", Invalid, "is required", WireTensors.Of(Values(size)));
        yield return ("no batch dimension", Invalid, "this model takes [n, " + shape + "]", WireTensors.Of(Values(size), sample));
        yield return ("an extra dimension", Invalid, "this model takes", WireTensors.Of(Values(n * size), [n, 1, .. sample]));
        long[] wider = [n, .. sample[..^1], sample[^1] + 1];
        yield return ("wrong per-sample shape", Invalid, "this model takes", WireTensors.Of(Values(n * (size / sample[^1]) * (sample[^1] + 1)), wider));
        yield return ("negative size", Invalid, "this model takes", WireTensors.Of(Values(n * size), [n, .. sample[..^1], -sample[^1]]));
        yield return ("zero samples", Invalid, "needs at least one sample", WireTensors.Of([], Batch(0)));
        yield return ("negative samples", Invalid, "needs at least one sample", WireTensors.Of(Values(size), Batch(-1)));
        yield return ("too few bytes", Invalid, $"needs {n * size * 4}", WireTensors.Of(Values(n * size - 1), Batch(n)));
        yield return ("too many bytes", Invalid, $"needs {n * size * 4}", WireTensors.Of(Values(n * size + 1), Batch(n)));
        yield return ("a partial float", Invalid, "little-endian float32", new ProtoTensor { Data = ByteString.CopyFrom(new byte[n * size * 4 + 2]), Shape = { Batch(n) } });
        yield return ("no data", Invalid, $"needs {n * size * 4}", WireTensors.Of([], Batch(n)));
        yield return ("a shape whose byte count overflows", Invalid, "bytes", WireTensors.Of([], Batch((1L << 62) / size)));
        yield return ("NaN", Invalid, "is NaN; every value must be finite", WireTensors.Of(With(float.NaN), Batch(n)));
        yield return ("+infinity", Invalid, "every value must be finite", WireTensors.Of(With(float.PositiveInfinity), Batch(n)));
        yield return ("-infinity", Invalid, "every value must be finite", WireTensors.Of(With(float.NegativeInfinity), Batch(n)));
        long overMiB = MaxMessageBytes / (4 * size) + 1;
        yield return ("over 1 MiB", OverCap, $"{MaxMessageBytes} bytes per message", WireTensors.Of(Values(overMiB * size), Batch(overMiB)));
    }

    static ProtoTensor Points(int n) =>
        WireTensors.Of(Enumerable.Range(0, 2 * n).Select(i => 0.1f * (i + 1) * (i % 2 == 0 ? 1 : -1)).ToArray(), n, 2);

    static SampleRequest WithTemperature(SampleRequest request, double? temperature)
    {
        if (temperature is double t) request.Temperature = t;
        return request;
    }

    static TraceRequest WithTemperature(TraceRequest request, double? temperature)
    {
        if (temperature is double t) request.Temperature = t;
        return request;
    }

    /// <summary>A stream that must fail before its first message.</summary>
    static Func<Client, Task> Stream<T>(Func<Client, AsyncServerStreamingCall<T>> start) where T : class => async client =>
    {
        using var call = start(client);
        bool sent = await call.ResponseStream.MoveNext();
        Assert.Fail(sent ? "the stream sent a message instead of failing" : "the stream ended without an error");
    };
}
