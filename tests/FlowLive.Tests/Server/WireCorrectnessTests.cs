using FlowLive.Protos.V1;
using static FlowLive.Tests.Server.ServedModels;

namespace FlowLive.Tests.Server;

/// <summary>
/// The rpcs agree with each other through the wire: a trace ends where sampling does, log-densities agree whichever
/// direction computes them, encoding and decoding undo each other, the waterfall adds up.
/// </summary>
[Collection(ServedModels.Collection)]
public sealed class WireCorrectnessTests(ServedModels served)
{
    static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    ModelService.ModelServiceClient Models => served.Models;

    async Task<(float[] Points, float[] LogProb)> Sample(string model, long count, long seed, double temperature = 1, int chunk = 0)
    {
        var messages = await Rpcs.ReadAll(Models.Sample(new SampleRequest
            { Model = model, Count = count, Seed = seed, Temperature = temperature, IncludeLogProb = true, ChunkSize = chunk }));
        return (messages.SelectMany(m => WireTensors.Values(m.Points)).ToArray(), messages.SelectMany(m => WireTensors.Values(m.LogProb)).ToArray());
    }

    async Task<float[]> LogProb(string model, float[] points, params long[] shape) =>
        WireTensors.Values((await Models.LogProbAsync(new LogProbRequest { Model = model, Points = WireTensors.Of(points, shape) })).LogProb);

    static void AssertClose(float[] expected, float[] actual, double tolerance, string what) => WireTensors.AssertClose(expected, actual, tolerance, what);

    [Theory]
    [InlineData(Moons, 8)]
    [InlineData(Moons, 0)]
    [InlineData(Digits, 2)]
    public async Task A_traces_last_states_are_the_samples_of_the_same_seed_and_its_states_follow_the_layers(string model, int chunk)
    {
        const int count = 5;
        var info = (await Models.GetModelAsync(new GetModelRequest { Model = model })).Model;
        var (samples, _) = await Sample(model, count, seed: 11, temperature: 0.9);
        var trace = await Rpcs.ReadAll(Models.Trace(new TraceRequest { Model = model, Count = count, Seed = 11, Temperature = 0.9, ChunkSize = chunk }));

        int layers = info.Layers.Count;
        int perChunk = chunk == 0 ? count : chunk;
        int chunks = (count + perChunk - 1) / perChunk;
        Assert.Equal(chunks * (layers + 1), trace.Count);
        var last = new List<float>();
        for (int c = 0; c < chunks; c++)
        {
            long offset = c * perChunk, n = Math.Min(perChunk, count - offset);
            for (int k = 0; k <= layers; k++)
            {
                var state = trace[c * (layers + 1) + k];
                Assert.Equal(offset, state.Offset);
                Assert.Equal(k, state.LayerIndex);
                Assert.Equal(k == 0 ? "base" : info.Layers[k - 1].Kind, state.LayerKind);
                Assert.Equal(layers, state.LayerCount);
                Assert.Equal(11, state.Seed);
                Assert.Equal(count, state.Total);
                long[] shape = [n, .. k == 0 ? info.LatentShape : info.Layers[k - 1].OutputShape];
                Assert.Equal(shape, state.State.Shape.ToArray());
                Assert.Null(state.LogDet);
                Assert.Null(state.LogProb);
            }
            last.AddRange(WireTensors.Values(trace[c * (layers + 1) + layers].State));
        }
        AssertClose(samples, last.ToArray(), 1e-5, "last trace state vs sample");
    }

    [Fact]
    public async Task A_seed_the_server_chose_is_returned_and_gives_the_same_samples_again()
    {
        var first = await Rpcs.ReadAll(Models.Sample(new SampleRequest { Model = Moons, Count = 6 }));
        long seed = first[0].Seed;
        var again = await Rpcs.ReadAll(Models.Sample(new SampleRequest { Model = Moons, Count = 6, Seed = seed }));
        Assert.Equal(WireTensors.Values(first[0].Points), WireTensors.Values(again[0].Points));
        Assert.Null(first[0].LogProb); // not asked for
        var other = await Rpcs.ReadAll(Models.Sample(new SampleRequest { Model = Moons, Count = 6 }));
        Assert.NotEqual(seed, other[0].Seed);
    }

    [Fact]
    public async Task Chunks_carry_their_offsets_and_the_totals()
    {
        var messages = await Rpcs.ReadAll(Models.Sample(new SampleRequest { Model = Moons, Count = 20, Seed = 3, ChunkSize = 7, IncludeLogProb = true }));
        Assert.Equal([0L, 7L, 14L], messages.Select(m => m.Offset));
        Assert.Equal([7L, 7L, 6L], messages.Select(m => m.Points.Shape[0]));
        Assert.All(messages, m => Assert.Equal(new[] { m.Points.Shape[0] }, m.LogProb.Shape.ToArray()));
        Assert.All(messages, m => Assert.Equal(20, m.Total));
    }

    [Fact]
    public async Task Temperature_scales_the_base_draw()
    {
        async Task<float[]> Base(double t) => WireTensors.Values((await Rpcs.ReadAll(Models.Trace(
            new TraceRequest { Model = Moons, Count = 50, Seed = 5, Temperature = t })))[0].State);
        var unit = await Base(1.0);
        var cold = await Base(0.25);
        AssertClose(unit.Select(v => v * 0.25f).ToArray(), cold, 1e-6, "base at temperature 0.25");
        // The default temperature is 1.
        var implicitUnit = WireTensors.Values((await Rpcs.ReadAll(Models.Trace(new TraceRequest { Model = Moons, Count = 50, Seed = 5 })))[0].State);
        Assert.Equal(unit, implicitUnit);
    }

    [Theory]
    [InlineData(Moons, 1e-4)]
    [InlineData(IResNet, 1e-3)]
    [InlineData(Digits, 1e-4)]
    public async Task LogProb_of_sampled_points_is_the_log_density_Sample_returned(string model, double tolerance)
    {
        var info = (await Models.GetModelAsync(new GetModelRequest { Model = model })).Model;
        int count = model == Digits ? 3 : 64;
        var (points, sampledLogProb) = await Sample(model, count, seed: 21, temperature: 0.8);
        Assert.Equal(count, sampledLogProb.Length);
        var response = await Models.LogProbAsync(new LogProbRequest { Model = model, Points = WireTensors.Of(points, [count, .. info.DataShape]) });
        Assert.Equal(new long[] { count }, response.LogProb.Shape.ToArray());
        Assert.Equal(!info.ExactLogDet, response.Estimate);
        AssertClose(sampledLogProb, WireTensors.Values(response.LogProb), tolerance, "LogProb vs Sample's log_prob");
    }

    [Theory]
    [InlineData(Moons)]
    [InlineData(IResNet)]
    [InlineData(Digits)]
    public async Task Encode_then_Decode_round_trips_and_their_log_dets_cancel(string model)
    {
        var info = (await Models.GetModelAsync(new GetModelRequest { Model = model })).Model;
        int count = model == Digits ? 3 : 40;
        var (points, _) = await Sample(model, count, seed: 8);
        long[] dataShape = [count, .. info.DataShape];
        var encoded = await Models.EncodeAsync(new EncodeRequest { Model = model, Points = WireTensors.Of(points, dataShape) });
        Assert.Equal([count, .. info.LatentShape], encoded.Latents.Shape.ToArray());
        Assert.Equal(new long[] { count }, encoded.LogDet.Shape.ToArray());
        Assert.Equal(new long[] { count }, encoded.LogProb.Shape.ToArray());

        var decoded = await Models.DecodeAsync(new DecodeRequest { Model = model, Latents = encoded.Latents });
        Assert.Equal(dataShape, decoded.Points.Shape.ToArray());
        AssertClose(points, WireTensors.Values(decoded.Points), 1e-4, "Decode(Encode(x))");
        AssertClose(WireTensors.Values(encoded.LogDet).Select(v => -v).ToArray(), WireTensors.Values(decoded.LogDet), 1e-3, "decode log-det vs minus encode log-det");
        AssertClose(await LogProb(model, points, dataShape), WireTensors.Values(encoded.LogProb), 1e-5, "Encode's log_prob vs LogProb");

        // Encode's log_prob is log p_base(z) + log|det dz/dx|.
        if (info.Base.Kind == "standard_normal")
        {
            var z = WireTensors.Values(encoded.Latents);
            int d = z.Length / count;
            var expected = Enumerable.Range(0, count).Select(i =>
                (float)(-0.5 * z.Skip(i * d).Take(d).Sum(v => (double)v * v) - 0.5 * d * LogTwoPi + WireTensors.Values(encoded.LogDet)[i])).ToArray();
            AssertClose(expected, WireTensors.Values(encoded.LogProb), 1e-5, "log p_base(z) + log-det");
        }
    }

    [Fact]
    public async Task Decode_then_Encode_round_trips_latents()
    {
        float[] z = [0.1f, -0.4f, 1.2f, 0.7f, -1.5f, 0.05f];
        var decoded = await Models.DecodeAsync(new DecodeRequest { Model = Moons, Latents = WireTensors.Of(z, 3, 2) });
        var encoded = await Models.EncodeAsync(new EncodeRequest { Model = Moons, Points = decoded.Points });
        AssertClose(z, WireTensors.Values(encoded.Latents), 1e-4, "Encode(Decode(z))");
    }

    [Theory]
    [InlineData(Moons)]
    [InlineData(IResNet)]
    public async Task A_drawn_trace_with_log_dets_is_the_likelihood_waterfall(string model)
    {
        const int count = 30;
        var trace = await Rpcs.ReadAll(Models.Trace(new TraceRequest { Model = model, Count = count, Seed = 4, IncludeLogDet = true }));
        int layers = trace[0].LayerCount;
        Assert.Equal(layers + 1, trace.Count);

        // State 0: log p_base(z) of the standard normal, and no log-det.
        var z = WireTensors.Values(trace[0].State);
        Assert.Null(trace[0].LogDet);
        var baseLogProb = Enumerable.Range(0, count).Select(i => (float)(-0.5 * (z[2 * i] * (double)z[2 * i] + z[2 * i + 1] * (double)z[2 * i + 1]) - LogTwoPi)).ToArray();
        AssertClose(baseLogProb, WireTensors.Values(trace[0].LogProb), 1e-5, "state 0 log_prob vs log N(z)");

        // Each state's log-density is the previous one's minus the layer's log-det.
        for (int k = 1; k <= layers; k++)
        {
            Assert.Equal(new long[] { count }, trace[k].LogDet.Shape.ToArray());
            var previous = WireTensors.Values(trace[k - 1].LogProb);
            var logDet = WireTensors.Values(trace[k].LogDet);
            AssertClose(previous.Zip(logDet, (p, d) => p - d).ToArray(), WireTensors.Values(trace[k].LogProb), 1e-5, $"waterfall at layer {k}");
        }

        // The last state's log-density is the model's.
        var points = WireTensors.Values(trace[^1].State);
        AssertClose(await LogProb(model, points, count, 2), WireTensors.Values(trace[^1].LogProb), model == IResNet ? 1e-3 : 1e-4, "last state log_prob vs LogProb");
    }

    [Fact]
    public async Task A_trace_of_given_points_ends_exactly_at_them_and_starts_at_their_encoding()
    {
        float[] points = [0.5f, 0.25f, -0.75f, 0.5f, 1.5f, -0.25f, 0.0f, 0.9f, 2.0f, 0.1f];
        var trace = await Rpcs.ReadAll(Models.Trace(new TraceRequest { Model = Moons, Points = WireTensors.Of(points, 5, 2), IncludeLogDet = true, ChunkSize = 2 }));
        int layers = trace[0].LayerCount;
        Assert.Equal(3 * (layers + 1), trace.Count);
        Assert.All(trace, t => Assert.Equal(0, t.Seed));
        Assert.All(trace, t => Assert.Equal(5, t.Total));

        var lastStates = trace.Where(t => t.LayerIndex == layers).OrderBy(t => t.Offset).SelectMany(t => WireTensors.Values(t.State)).ToArray();
        Assert.Equal(points, lastStates); // exactly: the inverse pass starts from the client's values
        var baseStates = trace.Where(t => t.LayerIndex == 0).OrderBy(t => t.Offset).SelectMany(t => WireTensors.Values(t.State)).ToArray();
        var encoded = await Models.EncodeAsync(new EncodeRequest { Model = Moons, Points = WireTensors.Of(points, 5, 2) });
        AssertClose(WireTensors.Values(encoded.Latents), baseStates, 1e-5, "base state vs Encode");
        var lastLogProb = trace.Where(t => t.LayerIndex == layers).OrderBy(t => t.Offset).SelectMany(t => WireTensors.Values(t.LogProb)).ToArray();
        AssertClose(await LogProb(Moons, points, 5, 2), lastLogProb, 1e-5, "last state log_prob vs LogProb");
    }

    [Fact]
    public async Task A_model_without_an_inverse_still_samples_traces_and_decodes()
    {
        var (points, logProb) = await Sample(Planar, 10, seed: 2);
        Assert.Equal(20, points.Length);
        Assert.All(logProb, v => Assert.True(float.IsFinite(v)));
        var trace = await Rpcs.ReadAll(Models.Trace(new TraceRequest { Model = Planar, Count = 10, Seed = 2, IncludeLogDet = true }));
        AssertClose(points, WireTensors.Values(trace[^1].State), 1e-5, "planar trace vs sample");
        AssertClose(logProb, WireTensors.Values(trace[^1].LogProb), 1e-5, "planar waterfall vs sample log_prob");
        var decoded = await Models.DecodeAsync(new DecodeRequest { Model = Planar, Latents = trace[0].State });
        AssertClose(points, WireTensors.Values(decoded.Points), 1e-5, "planar decode of the base draw");
    }

    [Fact]
    public async Task Latents_traced_forward_end_where_decode_takes_them()
    {
        var latents = new float[] { 0, 0, 1, -1, -2, 0.5f };
        var states = await Rpcs.ReadAll(Models.Trace(new TraceRequest { Model = Moons, Latents = WireTensors.Of(latents, 3, 2) }));
        Assert.Equal(9, states.Count);
        Assert.Equal(latents, WireTensors.Values(states[0].State));
        var decoded = await Models.DecodeAsync(new DecodeRequest { Model = Moons, Latents = WireTensors.Of(latents, 3, 2) });
        var last = WireTensors.Values(states[^1].State);
        var expected = WireTensors.Values(decoded.Points);
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], last[i], 1e-5f);
    }
}
