using System.Diagnostics;
using System.Runtime.InteropServices;
using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Imaging;
using FlowLive.Models;
using FlowLive.Protos.V1;
using FlowLive.Server;
using FlowLive.Training;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace FlowLive.Cli.Bench;

/// <summary>
/// What the wire costs: the server's streams (Sample, Trace) of the 8x256 moons model over loopback against the same
/// computation in this process, time to first chunk, small LogProb latencies under concurrent clients, and memory
/// after many mixed requests. The server runs in this process on real Kestrel (127.0.0.1, a free port), so the
/// figures include HTTP/2 framing, protobuf and the socket, but not a second machine's network.
/// </summary>
public static class ServerBenchmark
{
    public const string ModelName = "bench-8x256";

    public sealed record StreamFigures(string Rpc, long Points, double InProcessPointsPerSecond, double WirePointsPerSecond,
        double WireMegabytesPerSecond, double FirstChunkMilliseconds)
    {
        public double Ratio => WirePointsPerSecond / InProcessPointsPerSecond;
    }

    public sealed record LatencyFigures(int Clients, int Calls, double P50Milliseconds, double P99Milliseconds, double CallsPerSecond);

    public sealed record Figures(IReadOnlyList<StreamFigures> Streams, IReadOnlyList<LatencyFigures> Latencies,
        int MixedRequests, double WorkingSetBeforeMegabytes, double WorkingSetAfterMegabytes, long LiveTensorsAfter);

    /// <param name="points">Points streamed by Sample and Trace (100,000 in the figure).</param>
    /// <param name="mixedRequests">Mixed small requests before memory is read (10,000 in the figure).</param>
    public static async Task<Figures> Run(long points, int mixedRequests, TimeSpan latencyBudget, TextWriter log)
    {
        var folder = Directory.CreateTempSubdirectory("flowlive-bench-").FullName;
        try
        {
            WriteModel(Path.Combine(folder, ModelName + ModelFile.Extension));
            var app = FlowLiveServer.Build([], settings =>
            {
                settings.Port = 0;
                settings.ModelsDirectory = folder;
                settings.IncludeBundled = false;
                settings.MetricsPort = -1;
                settings.JobsDirectory = Path.Combine(folder, "jobs");
            }, builder => builder.Logging.ClearProviders());
            await app.StartAsync();
            try
            {
                using var channel = GrpcChannel.ForAddress(FlowLiveServer.Address(app));
                var client = new ModelService.ModelServiceClient(channel);
                using var local = ModelFile.Load(Path.Combine(folder, ModelName + ModelFile.Extension));
                log.WriteLine($"  streams: {points:N0} points of {ModelName} (8 masked couplings, 2x256 MLPs)");
                var streams = new List<StreamFigures>
                {
                    await MeasureSample(client, local.Flow, points),
                    await MeasureTrace(client, local.Flow, points),
                };
                var latencies = new List<LatencyFigures>();
                foreach (int clients in new[] { 1, 8, 64 })
                {
                    log.WriteLine($"  LogProb latency: {clients} concurrent client(s)");
                    latencies.Add(await MeasureLatency(client, clients, latencyBudget));
                }
                double before = Compute.ProcessMemory.ResidentMegabytes();
                log.WriteLine($"  memory: {mixedRequests:N0} mixed requests");
                await MixedRequests(client, mixedRequests);
                GC.Collect();
                GC.WaitForPendingFinalizers();
                long live = app.Services.GetRequiredService<Server.Compute.ComputeScheduler>().LiveTensors;
                return new Figures(streams, latencies, mixedRequests, before, Compute.ProcessMemory.ResidentMegabytes(), live);
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The 8x256 moons model, initialised (speed does not depend on training), written where the server looks.</summary>
    static void WriteModel(string path)
    {
        using var flow = SeedArchitectures.KerasRealNvp(couplings: 8, hidden: 256, depth: 2).Build();
        using (var generator = RunSeeds.Generator(0, RunSeeds.Initialisation)) WeightInitialisation.Apply(flow.Module, generator);
        flow.Train(false);
        ModelFile.Save(path, new ModelSpec { Name = ModelName, Flow = flow.Spec, Dataset = "moons" }, flow);
    }

    static Task<StreamFigures> MeasureSample(ModelService.ModelServiceClient client, Flow flow, long points) =>
        MeasureStream("Sample", points, () =>
        {
            using var scope = NewDisposeScope();
            _ = FlowTensors.Floats(flow.Sample(points, 1.0, seed: 1));
        }, () => client.Sample(new SampleRequest { Model = ModelName, Count = points, Seed = 1 }), chunk => chunk.Points.Data);

    static Task<StreamFigures> MeasureTrace(ModelService.ModelServiceClient client, Flow flow, long points) =>
        MeasureStream("Trace", points, () =>
        {
            using var scope = NewDisposeScope();
            var z = flow.Base.Sample(points, 1.0, seed: 1);
            foreach (var state in flow.Trace(z)) _ = FlowTensors.Floats(state);
        }, () => client.Trace(new TraceRequest { Model = ModelName, Count = points, Seed = 1 }), state => state.State.Data);

    /// <summary>
    /// The best of three runs of the same computation in process and over the wire (reading every message's floats),
    /// and the time to the first message.
    /// </summary>
    static async Task<StreamFigures> MeasureStream<T>(string rpc, long points, Action inProcessRun, Func<AsyncServerStreamingCall<T>> call,
        Func<T, ByteString> payload)
    {
        double inProcess = Best(3, inProcessRun);
        double wire = double.MaxValue, firstChunk = double.MaxValue;
        long bytes = 0;
        for (int run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            using var stream = call();
            bytes = 0;
            bool first = true;
            await foreach (var message in stream.ResponseStream.ReadAllAsync())
            {
                if (first) { firstChunk = Math.Min(firstChunk, clock.Elapsed.TotalMilliseconds); first = false; }
                bytes += Touch(payload(message));
            }
            wire = Math.Min(wire, clock.Elapsed.TotalSeconds);
        }
        return new StreamFigures(rpc, points, points / inProcess, points / wire, bytes / wire / (1 << 20), firstChunk);
    }

    static async Task<LatencyFigures> MeasureLatency(ModelService.ModelServiceClient client, int clients, TimeSpan budget)
    {
        var request = new LogProbRequest { Model = ModelName, Points = SmallBatch(16) };
        await client.LogProbAsync(request);
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(async _ =>
        {
            var mine = new List<double>();
            while (clock.Elapsed < budget)
            {
                var start = clock.Elapsed;
                await client.LogProbAsync(request);
                mine.Add((clock.Elapsed - start).TotalMilliseconds);
            }
            lock (latencies) latencies.AddRange(mine);
        }).ToList();
        await Task.WhenAll(workers);
        latencies.Sort();
        return new LatencyFigures(clients, latencies.Count, Percentiles.NearestRank(latencies, 0.50), Percentiles.NearestRank(latencies, 0.99),
            latencies.Count / clock.Elapsed.TotalSeconds);
    }

    /// <summary>Small calls of every kind, round-robin, as many clients would send them.</summary>
    static async Task MixedRequests(ModelService.ModelServiceClient client, int count)
    {
        var points = SmallBatch(8);
        for (int i = 0; i < count; i++)
        {
            switch (i % 5)
            {
                case 0: await client.LogProbAsync(new LogProbRequest { Model = ModelName, Points = points }); break;
                case 1: await client.EncodeAsync(new EncodeRequest { Model = ModelName, Points = points }); break;
                case 2: await client.DecodeAsync(new DecodeRequest { Model = ModelName, Latents = points }); break;
                case 3:
                    using (var call = client.Sample(new SampleRequest { Model = ModelName, Count = 32, Seed = i }))
                        await foreach (var _ in call.ResponseStream.ReadAllAsync()) { }
                    break;
                default:
                    using (var call = client.Trace(new TraceRequest { Model = ModelName, Count = 8, Seed = i }))
                        await foreach (var _ in call.ResponseStream.ReadAllAsync()) { }
                    break;
            }
        }
    }

    static Protos.V1.Tensor SmallBatch(int n)
    {
        var values = new float[2 * n];
        for (int i = 0; i < values.Length; i++) values[i] = (float)Math.Sin(i);
        var message = new Protos.V1.Tensor { Data = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        message.Shape.AddRange([n, 2]);
        return message;
    }

    /// <summary>Reads the chunk's floats as a client would (so the figure includes getting at the numbers).</summary>
    static long Touch(ByteString data)
    {
        var floats = MemoryMarshal.Cast<byte, float>(data.Span);
        float sum = 0;
        foreach (var f in floats) sum += f;
        return float.IsNaN(sum) ? data.Length : data.Length;
    }

    static double Best(int runs, Action action)
    {
        action();
        double best = double.MaxValue;
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }
}
