using FlowLive.Protos.V1;
using FlowLive.Server;
using FlowLive.Server.Operations;
using FlowLive.Server.Registry;
using Grpc.Core;

namespace FlowLive.Tests.Server;

public sealed class MetricsTests
{
    const string GetModelRpc = "flowlive.v1.ModelService/GetModel";
    const string SampleRpc = "flowlive.v1.ModelService/Sample";

    [Fact]
    public async Task Metrics_count_rpcs_by_method_and_status_and_the_points_they_stream()
    {
        await using var server = await RunningServer.Kestrel();
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await server.Models.GetModelAsync(new GetModelRequest { Model = "no-such-model" }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        await server.Models.GetModelAsync(new GetModelRequest { Model = "two_moons-realnvp" });
        await server.Models.GetModelAsync(new GetModelRequest { Model = "two_moons-realnvp" });
        var call = server.Models.Sample(new SampleRequest { Model = "two_moons-realnvp", Count = 500, ChunkSize = 100, Seed = 3 });
        int messages = await call.ResponseStream.ReadAllAsync().CountAsync();
        Assert.Equal(5, messages);

        var scrape = await ScrapedMetrics.Get(FlowLiveServer.MetricsAddress(server.App)!);

        Assert.Equal(1, scrape.Value("flowlive_requests_total", ("rpc", GetModelRpc), ("status", "not_found")));
        Assert.Equal(2, scrape.Value("flowlive_requests_total", ("rpc", GetModelRpc), ("status", "ok")));
        Assert.Equal(1, scrape.Value("flowlive_requests_total", ("rpc", SampleRpc), ("status", "ok")));
        Assert.Equal(3, scrape.Value("flowlive_request_duration_seconds_count", ("rpc", GetModelRpc)));
        Assert.Equal(1, scrape.Value("flowlive_time_to_first_message_seconds_count", ("rpc", SampleRpc)));
        Assert.Null(scrape.Value("flowlive_time_to_first_message_seconds_count", ("rpc", GetModelRpc)));
        Assert.Equal(500, scrape.Value("flowlive_points_streamed_total", ("rpc", SampleRpc)));
        Assert.True(scrape.Value("flowlive_bytes_streamed_total", ("rpc", SampleRpc)) > 500 * 2 * 4, "500 2-D float32 points are 4,000 bytes before framing");
        Assert.Equal(0, scrape.Value("flowlive_compute_queue_depth"));
        var models = server.Service<ModelRegistry>().All;
        Assert.Equal(models.Count(m => m.IsServing), scrape.Value("flowlive_models_loaded", ("status", "serving")));
        Assert.Equal(0, scrape.Value("flowlive_models_loaded", ("status", "failed")));
        Assert.Equal(0, scrape.Value("flowlive_training_jobs", ("state", "running")));
        Assert.NotNull(scrape.Value("process_cpu_seconds_total"));
    }

    [Fact]
    public async Task Gauges_follow_the_registry_and_the_training_jobs_at_each_scrape()
    {
        await using var server = await RunningServer.Kestrel();
        var address = FlowLiveServer.MetricsAddress(server.App)!;
        File.WriteAllText(Path.Combine(server.ModelsDirectory, "broken.flow"), "not a model");
        server.Service<ModelRegistry>().Rescan();
        var job = (await server.Training.StartTrainingAsync(new StartTrainingRequest
        {
            Preset = "radboud-moons", Fast = true, Overrides = new TrainingOverrides { Steps = 10_000_000 },
        })).Job;

        var scrape = await ScrapedMetrics.Get(address);
        Assert.Equal(1, scrape.Value("flowlive_models_loaded", ("status", "failed")));
        Assert.Equal(1, scrape.Value("flowlive_training_jobs", ("state", "queued")) + scrape.Value("flowlive_training_jobs", ("state", "running")));
        Assert.Equal(0, scrape.Value("flowlive_training_jobs", ("state", "cancelled")));

        await server.Training.CancelJobAsync(new CancelJobRequest { JobId = job.Id });
        using (var watch = server.Training.WatchJob(new WatchJobRequest { JobId = job.Id }))
            await foreach (var _ in watch.ResponseStream.ReadAllAsync()) { } // to the end: the job has stopped
        File.Delete(Path.Combine(server.ModelsDirectory, "broken.flow"));
        server.Service<ModelRegistry>().Rescan();
        scrape = await ScrapedMetrics.Get(address);
        Assert.Equal(0, scrape.Value("flowlive_models_loaded", ("status", "failed")));
        Assert.Equal(0, scrape.Value("flowlive_training_jobs", ("state", "running")));
        Assert.Equal(1, scrape.Value("flowlive_training_jobs", ("state", "cancelled")));
    }

    [Fact]
    public async Task Each_server_counts_its_own_calls_only()
    {
        await using var first = await RunningServer.Kestrel();
        await using var second = await RunningServer.Kestrel();
        await first.Models.ListModelsAsync(new ListModelsRequest());
        await first.Models.ListModelsAsync(new ListModelsRequest());
        await second.Models.ListModelsAsync(new ListModelsRequest());

        var rpc = ("rpc", "flowlive.v1.ModelService/ListModels");
        Assert.Equal(2, (await ScrapedMetrics.Get(FlowLiveServer.MetricsAddress(first.App)!)).Value("flowlive_requests_total", rpc, ("status", "ok")));
        Assert.Equal(1, (await ScrapedMetrics.Get(FlowLiveServer.MetricsAddress(second.App)!)).Value("flowlive_requests_total", rpc, ("status", "ok")));
    }

    [Fact]
    public async Task Metrics_have_a_port_of_their_own_and_can_be_switched_off()
    {
        await using var server = await RunningServer.Kestrel();
        Assert.NotEqual(new Uri(server.Address).Port, new Uri(FlowLiveServer.MetricsAddress(server.App)!).Port);
        // The gRPC port speaks HTTP/2 only and serves no metrics page.
        using var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.GetAsync(server.Address + "/metrics");
        Assert.NotEqual(System.Net.HttpStatusCode.OK, response.StatusCode);

        await using var without = await RunningServer.Kestrel(s => s.MetricsPort = -1);
        Assert.Null(FlowLiveServer.MetricsAddress(without.App));
        await without.Models.ListModelsAsync(new ListModelsRequest());
    }

    [Fact]
    public void A_metrics_port_that_cannot_be_is_refused_naming_the_flag()
    {
        var clash = Assert.Throws<ServerConfigurationException>(() => FlowLiveServer.Build([], s => { s.Port = 50123; s.MetricsPort = 50123; }));
        Assert.Equal("--metrics-port", clash.Setting);
        var negative = Assert.Throws<ServerConfigurationException>(() => FlowLiveServer.Build([], s => s.MetricsPort = -2));
        Assert.Equal("--metrics-port", negative.Setting);
    }

    [Theory]
    [InlineData(StatusCode.OK, "ok")]
    [InlineData(StatusCode.NotFound, "not_found")]
    [InlineData(StatusCode.DeadlineExceeded, "deadline_exceeded")]
    [InlineData(StatusCode.ResourceExhausted, "resource_exhausted")]
    [InlineData(StatusCode.Unavailable, "unavailable")]
    public void Status_labels_are_the_snake_case_code_names(StatusCode code, string label) =>
        Assert.Equal(label, CallObserver.StatusLabel(code));
}
