using FlowLive.Models;
using FlowLive.Protos.V1;
using FlowLive.Server.Compute;
using Grpc.Core;
using Xunit.Abstractions;

namespace FlowLive.Tests.Server;

/// <summary>A server on real Kestrel over loopback for the stream tests (HTTP/2 flow control, cancellation, deadlines).</summary>
public sealed class KestrelServer : IAsyncLifetime
{
    public const string Moons = "moons";
    public const string Swapped = "swapped";

    public RunningServer Server { get; private set; } = null!;
    public ComputeScheduler Compute => Server.Service<ComputeScheduler>();

    public async Task InitializeAsync() => Server = await RunningServer.Kestrel(settings =>
    {
        settings.IncludeBundled = false;
        TestModels.CopyBundled(settings.ModelsDirectory!, "radboud-moons", Moons);
        TestModels.CopyBundled(settings.ModelsDirectory!, "radboud-moons", Swapped);
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Streams over real HTTP/2: a slow reader holds the server back (flow control) and loses nothing; a cancelled or
/// expired call stops the server's work at once and frees it; a reload does not disturb a running stream.
/// </summary>
public sealed class KestrelStreamingTests(KestrelServer kestrel, ITestOutputHelper output) : IClassFixture<KestrelServer>
{
    const int Chunk = 1000; // 12 KB messages with log-densities
    RunningServer Server => kestrel.Server;

    /// <summary>Counts compute work items started from now on.</summary>
    sealed class WorkCounter : IDisposable
    {
        readonly ComputeScheduler compute;
        int last;
        int started;

        public WorkCounter(ComputeScheduler compute)
        {
            this.compute = compute;
            last = compute.Depth;
            compute.DepthChanged += OnDepth;
        }

        public int Started => Volatile.Read(ref started);

        void OnDepth(int depth)
        {
            lock (this)
            {
                if (depth > last) started++;
                last = depth;
            }
        }

        public void Dispose() => compute.DepthChanged -= OnDepth;
    }

    /// <summary>After a call ends: the server's compute goes idle quickly and stays idle.</summary>
    async Task AssertComputeStops(WorkCounter work, string what)
    {
        Assert.True(await Rpcs.Eventually(() => Task.FromResult(kestrel.Compute.Depth == 0), TimeSpan.FromSeconds(3)), $"{what}: compute still busy");
        await Task.Delay(150); // a last in-flight chunk may still be written
        int settled = work.Started;
        await Task.Delay(400);
        Assert.True(work.Started == settled, $"{what}: the server kept computing ({work.Started - settled} more work items)");
    }

    [Fact]
    public async Task Every_rpc_answers_over_real_http2()
    {
        var models = Server.Models;
        Assert.Contains(KestrelServer.Moons, (await models.ListModelsAsync(new ListModelsRequest())).Models.Select(m => m.Name));
        var info = (await models.GetModelAsync(new GetModelRequest { Model = KestrelServer.Moons })).Model;
        var samples = await Rpcs.ReadAll(models.Sample(new SampleRequest { Model = KestrelServer.Moons, Count = 10, Seed = 1, ChunkSize = 4 }));
        Assert.Equal(3, samples.Count);
        var trace = await Rpcs.ReadAll(models.Trace(new TraceRequest { Model = KestrelServer.Moons, Count = 10, Seed = 1 }));
        Assert.Equal(info.Layers.Count + 1, trace.Count);
        var points = WireTensors.Of(samples.SelectMany(s => WireTensors.Values(s.Points)).ToArray(), 10, 2);
        var encoded = await models.EncodeAsync(new EncodeRequest { Model = KestrelServer.Moons, Points = points });
        WireTensors.AssertClose(WireTensors.Values(trace[0].State), WireTensors.Values(encoded.Latents), 1e-4, "encoded samples vs the trace's base");
        var decoded = await models.DecodeAsync(new DecodeRequest { Model = KestrelServer.Moons, Latents = encoded.Latents });
        WireTensors.AssertClose(WireTensors.Values(points), WireTensors.Values(decoded.Points), 1e-4, "decoded latents vs the samples");
        var logProb = await models.LogProbAsync(new LogProbRequest { Model = KestrelServer.Moons, Points = points });
        WireTensors.AssertClose(WireTensors.Values(encoded.LogProb), WireTensors.Values(logProb.LogProb), 1e-5, "LogProb vs Encode's log_prob");
        var grids = await Rpcs.ReadAll(models.DensityGrid(new DensityGridRequest { Model = KestrelServer.Moons, Columns = 16, PerLayer = true }));
        Assert.Equal(info.Layers.Count + 1, grids.Count);
        var path = await Rpcs.ReadAll(models.Interpolate(new InterpolateRequest { Model = KestrelServer.Moons, DataEnds = WireTensors.Of([0f, 0f, 1f, 0.5f], 2, 2), Steps = 6 }));
        Assert.Equal(6, path.Count);
        var data = await Rpcs.ReadAll(models.SampleData(new SampleDataRequest { Model = KestrelServer.Moons, Count = 10, Seed = 4 }));
        Assert.Equal(20, WireTensors.Values(Assert.Single(data).Points).Length);
        var forward = await Rpcs.ReadAll(models.Trace(new TraceRequest { Model = KestrelServer.Moons, Latents = encoded.Latents }));
        WireTensors.AssertClose(WireTensors.Values(points), WireTensors.Values(forward[^1].State), 1e-4, "latents traced forward vs the samples");
        var error = await Rpcs.Failure(() => Rpcs.ReadAll(models.Sample(new SampleRequest { Model = KestrelServer.Moons, Count = 3, Temperature = -1 })));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("temperature: ", error.Status.Detail);
    }

    [Fact]
    public async Task A_slow_reader_holds_the_server_back_and_gets_every_chunk_in_order()
    {
        const int count = 300_000; // 3.6 MB: far more than HTTP/2's windows and Kestrel's buffers hold
        var request = new SampleRequest { Model = KestrelServer.Moons, Count = count, Seed = 17, ChunkSize = Chunk, IncludeLogProb = true };
        using var work = new WorkCounter(kestrel.Compute);
        using var call = Server.Models.Sample(request);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var received = new List<SampleResponse> { call.ResponseStream.Current };
        await Task.Delay(1000);
        int chunksComputedWhileWaiting = work.Started - 1; // less the base draw
        output.WriteLine($"chunks computed while the reader waited: {chunksComputedWhileWaiting} of {count / Chunk}");
        Assert.True(chunksComputedWhileWaiting < count / Chunk / 2,
            $"the server computed {chunksComputedWhileWaiting} of {count / Chunk} chunks while the client read none: no backpressure");

        while (await call.ResponseStream.MoveNext(CancellationToken.None)) received.Add(call.ResponseStream.Current);
        Assert.Equal(count / Chunk, received.Count);
        Assert.Equal(Enumerable.Range(0, count / Chunk).Select(i => (long)i * Chunk), received.Select(r => r.Offset));
        Assert.All(received, r => Assert.Equal(count, r.Total));

        // Nothing lost or reordered: the same as a quick read of the same seed (compared on a few chunks).
        var quick = await Rpcs.ReadAll(Server.Models.Sample(request));
        foreach (int i in new[] { 0, 1, 150, received.Count - 1 })
        {
            Assert.Equal(quick[i].Points.Data, received[i].Points.Data);
            Assert.Equal(quick[i].LogProb.Data, received[i].LogProb.Data);
        }
    }

    [Fact]
    public async Task A_cancelled_stream_stops_the_servers_work_and_frees_it()
    {
        var before = await ServerTensors.Count(kestrel.Compute);
        using var work = new WorkCounter(kestrel.Compute);
        using var cancel = new CancellationTokenSource();
        using var call = Server.Models.Sample(new SampleRequest { Model = KestrelServer.Moons, Count = 1_000_000, Seed = 2, ChunkSize = Chunk, IncludeLogProb = true },
            cancellationToken: cancel.Token);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        cancel.Cancel();
        var error = await Rpcs.Failure(async () => { while (await call.ResponseStream.MoveNext(CancellationToken.None)) { } });
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);

        await AssertComputeStops(work, "after cancelling");
        output.WriteLine($"work items of the cancelled stream: {work.Started}");
        Assert.True(work.Started < 1_000_000 / Chunk / 2, $"{work.Started} work items for a stream cancelled after its first chunk");
        var after = await ServerTensors.Count(kestrel.Compute);
        Assert.True(before.SameAs(after), $"live tensors before: {before}; after: {after}");
    }

    [Fact]
    public async Task A_deadline_that_expires_mid_stream_is_deadline_exceeded_and_stops_the_servers_work()
    {
        using var work = new WorkCounter(kestrel.Compute);
        var deadline = DateTime.UtcNow.AddSeconds(2);
        using var call = Server.Models.Sample(new SampleRequest { Model = KestrelServer.Moons, Count = 1_000_000, Seed = 3, ChunkSize = Chunk, IncludeLogProb = true },
            deadline: deadline);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "the first chunk came after the deadline");
        Assert.True(DateTime.UtcNow < deadline);
        int read = 1;
        var error = await Rpcs.Failure(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                read++;
                await Task.Delay(20); // a slow reader: the stream cannot finish in time
            }
        });
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.InRange(read, 1, 1_000_000 / Chunk - 1);
        Assert.True(DateTime.UtcNow >= deadline.AddMilliseconds(-50));
        await AssertComputeStops(work, "after the deadline");
        output.WriteLine($"chunks read before the deadline: {read}; work items: {work.Started}");
    }

    [Fact]
    public async Task A_stream_running_while_its_file_is_replaced_finishes_with_the_flow_it_started_with()
    {
        const int count = 200_000;
        var request = new SampleRequest { Model = KestrelServer.Swapped, Count = count, Seed = 5, ChunkSize = Chunk };
        var expected = await Rpcs.ReadAll(Server.Models.Sample(request));
        string path = TestModels.PathOf(Server.ModelsDirectory, KestrelServer.Swapped);
        byte[] original = File.ReadAllBytes(path);
        try
        {
            using var call = Server.Models.Sample(request);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            var received = new List<SampleResponse> { call.ResponseStream.Current };

            string staged = path + ".staged";
            File.Copy(BundledModels.Find("two_moons-realnvp")!, staged);
            File.Move(staged, path, overwrite: true);
            string newSha = TestModels.Sha256Of(path);
            Assert.True(await Rpcs.Eventually(async () => (await Server.Models.GetModelAsync(new GetModelRequest { Model = KestrelServer.Swapped })).Model.Sha256 == newSha,
                TimeSpan.FromSeconds(5)), "the replaced file was not reloaded");

            while (await call.ResponseStream.MoveNext(CancellationToken.None)) received.Add(call.ResponseStream.Current);
            Assert.Equal(expected.Count, received.Count);
            for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i].Points.Data, received[i].Points.Data);

            // New calls use the new flow.
            var fresh = await Rpcs.ReadAll(Server.Models.Sample(new SampleRequest { Model = KestrelServer.Swapped, Count = 10, Seed = 5 }));
            Assert.NotEqual(expected[0].Points.Data.Span[..80].ToArray(), fresh[0].Points.Data.ToByteArray());
        }
        finally
        {
            File.WriteAllBytes(path, original);
        }
    }
}
