using FlowLive.Models;
using FlowLive.Protos.V1;
using FlowLive.Server.Jobs;
using FlowLive.Tests.Data;
using FlowLive.Training.Presets;
using Grpc.Core;
using Microsoft.Extensions.Hosting;

namespace FlowLive.Tests.Server;

/// <summary>
/// flowlive.v1.TrainingService over the wire: jobs train fast presets while watched, their models join the list,
/// and cancellation, caps, shutdown and bad requests answer as training.proto says.
/// </summary>
public sealed class TrainingServiceTests
{
    const string Moons = "radboud-moons";

    static StartTrainingRequest Fast(string preset = Moons, TrainingOverrides? overrides = null, string modelName = "") =>
        new() { Preset = preset, Fast = true, Overrides = overrides ?? new TrainingOverrides(), ModelName = modelName };

    /// <summary>A job long enough to still be running when the test acts on it (it is cancelled or stopped).</summary>
    static StartTrainingRequest Long() => Fast(overrides: new TrainingOverrides { Steps = 10_000_000 });

    static async Task<Job> Start(RunningServer server, StartTrainingRequest request) =>
        (await server.Training.StartTrainingAsync(request)).Job;

    static Task<List<WatchJobResponse>> WatchToEnd(RunningServer server, string id) =>
        Rpcs.ReadAll(server.Training.WatchJob(new WatchJobRequest { JobId = id }));

    /// <summary>Reads a watch until <paramref name="until"/> holds for a message.</summary>
    static async Task ReadUntil(IAsyncStreamReader<WatchJobResponse> stream, Func<WatchJobResponse, bool> until)
    {
        while (await stream.MoveNext())
            if (until(stream.Current)) return;
        throw new InvalidOperationException("the watch ended first");
    }

    static Job Final(List<WatchJobResponse> messages)
    {
        Assert.Equal(WatchJobResponse.EventOneofCase.Job, messages[^1].EventCase);
        return messages[^1].Job;
    }

    static IEnumerable<TrainingProgress> Progress(List<WatchJobResponse> messages) =>
        messages.Where(m => m.EventCase == WatchJobResponse.EventOneofCase.Progress).Select(m => m.Progress);

    [Fact]
    public async Task A_watched_fast_preset_streams_progress_and_snapshots_and_its_model_then_serves()
    {
        await using var server = await RunningServer.InMemory();
        var job = await Start(server, Fast(overrides: new TrainingOverrides { SnapshotEvery = 10 }));
        Assert.Equal("job-1", job.Id);
        Assert.True(job.State is JobState.Queued or JobState.Running, $"a new job is queued (preparing) or running, not {job.State}");
        Assert.Equal(Moons, job.Preset);
        Assert.Equal($"{Moons}-job-1", job.Model);

        var messages = await WatchToEnd(server, job.Id);
        Assert.Equal(WatchJobResponse.EventOneofCase.Job, messages[0].EventCase);
        Assert.Equal(job.Id, messages[0].Job.Id);

        var progress = Progress(messages).ToList();
        Assert.True(progress.Count >= 4, $"expected a report every 10 of 40 steps, got {progress.Count}");
        Assert.Equal(progress.Select(p => p.Step).Order(), progress.Select(p => p.Step));
        Assert.Equal(progress.Count, progress.Select(p => p.Step).Distinct().Count());
        Assert.Equal(40, progress[^1].Step);
        Assert.All(progress, p =>
        {
            Assert.Equal(40, p.TotalSteps);
            Assert.True(double.IsFinite(p.TrainLoss), $"train loss at step {p.Step}: {p.TrainLoss}");
            Assert.True(p.LearningRate >= 0); // cosine decay reaches 0 at the last step
        });
        Assert.Contains(progress, p => p.HasValidationLoss && double.IsFinite(p.ValidationLoss));

        var snapshots = messages.Where(m => m.EventCase == WatchJobResponse.EventOneofCase.Snapshot).Select(m => m.Snapshot).ToList();
        Assert.Equal([10, 20, 30, 40], snapshots.Select(s => s.Step));
        foreach (var snapshot in snapshots)
        {
            Assert.Equal(2, snapshot.Samples.Shape.Count);
            Assert.Equal(2, snapshot.Samples.Shape[1]);
            Assert.Equal(snapshot.Samples.Shape[0] * 2, WireTensors.Values(snapshot.Samples).Length);
            Assert.All(WireTensors.Values(snapshot.Samples), v => Assert.True(float.IsFinite(v)));
            var grid = snapshot.Density;
            Assert.NotNull(grid);
            Assert.True(grid.Bounds.XMax > grid.Bounds.XMin && grid.Bounds.YMax > grid.Bounds.YMin);
            Assert.Equal([(long)grid.Rows, grid.Columns], grid.LogDensity.Shape);
            var logDensity = WireTensors.Values(grid.LogDensity);
            Assert.Equal(grid.Rows * grid.Columns, logDensity.Length);
            Assert.All(logDensity, v => Assert.True(float.IsFinite(v)));
        }
        Assert.Contains(messages, m => m.EventCase == WatchJobResponse.EventOneofCase.Notice && m.Notice.Kind == "new_best_validation");

        var done = Final(messages);
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(40, done.Step);
        Assert.Equal("", done.Error);
        Assert.NotNull(done.FinishedAt);
        Assert.True(double.IsFinite(done.Metrics["test_nll"]), "test_nll");
        Assert.Equal(40, done.Metrics["steps"]);
        Assert.True(done.HasBestValidationLoss);

        // The model is listed by the time the job says SUCCEEDED, and it samples.
        var models = await server.Models.ListModelsAsync(new ListModelsRequest());
        var info = Assert.Single(models.Models, m => m.Name == done.Model);
        var sample = server.Models.Sample(new SampleRequest { Model = done.Model, Count = 50, Seed = 1 });
        var points = new List<float>();
        await foreach (var chunk in sample.ResponseStream.ReadAllAsync()) points.AddRange(WireTensors.Values(chunk.Points));
        Assert.Equal(100, points.Count);
        Assert.All(points, v => Assert.True(float.IsFinite(v)));
        Assert.True(File.Exists(Path.Combine(server.JobsDirectory, done.Model + ModelFile.Extension)));

        // A watcher of the finished job gets the same story again, and its stream ends.
        var replay = await WatchToEnd(server, job.Id);
        Assert.Equal(JobState.Succeeded, replay[0].Job.State);
        Assert.Equal(progress.Select(p => p.Step), Progress(replay).Select(p => p.Step));
        Assert.Equal(40, Assert.Single(replay, m => m.EventCase == WatchJobResponse.EventOneofCase.Snapshot).Snapshot.Step);
        Assert.Equal(JobState.Succeeded, Final(replay).State);
        Assert.Equal(done.Metrics, Final(replay).Metrics);

        var got = (await server.Training.GetJobAsync(new GetJobRequest { JobId = job.Id })).Job;
        Assert.Equal(done, got);
        Assert.Equal(done, Assert.Single((await server.Training.ListJobsAsync(new ListJobsRequest())).Jobs));
    }

    [Fact]
    public async Task A_cancelled_job_ends_cancelled_without_a_model_and_cannot_be_cancelled_again()
    {
        await using var server = await RunningServer.InMemory();
        var job = await Start(server, Long());
        using var call = server.Training.WatchJob(new WatchJobRequest { JobId = job.Id });
        await ReadUntil(call.ResponseStream, m => m.EventCase == WatchJobResponse.EventOneofCase.Progress);

        var cancelling = (await server.Training.CancelJobAsync(new CancelJobRequest { JobId = job.Id })).Job;
        Assert.Equal(job.Id, cancelling.Id);
        await ReadUntil(call.ResponseStream, m => m.EventCase == WatchJobResponse.EventOneofCase.Job);
        var done = call.ResponseStream.Current.Job;
        Assert.Equal(JobState.Cancelled, done.State);
        Assert.True(done.Step < 10_000_000);
        Assert.False(await call.ResponseStream.MoveNext());

        var models = await server.Models.ListModelsAsync(new ListModelsRequest());
        Assert.DoesNotContain(models.Models, m => m.Name == job.Model);
        Assert.False(File.Exists(Path.Combine(server.JobsDirectory, job.Model + ModelFile.Extension)));
        var again = await Rpcs.Failure(async () => await server.Training.CancelJobAsync(new CancelJobRequest { JobId = job.Id }));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        Assert.Contains(job.Id, again.Status.Detail);
    }

    [Fact]
    public async Task Jobs_beyond_the_cap_are_resource_exhausted_naming_it()
    {
        await using var server = await RunningServer.InMemory(s => s.Limits.MaxConcurrentJobs = 1);
        var first = await Start(server, Long());
        var error = await Rpcs.Failure(async () => await server.Training.StartTrainingAsync(Long()));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("MaxConcurrentJobs", error.Status.Detail);
        await server.Training.CancelJobAsync(new CancelJobRequest { JobId = first.Id });
        Assert.Equal(JobState.Cancelled, Final(await WatchToEnd(server, first.Id)).State);

        // The slot is free again once the job has ended.
        var second = await Start(server, Fast());
        Assert.Equal("job-2", second.Id);
        Assert.Equal(JobState.Succeeded, Final(await WatchToEnd(server, second.Id)).State);
    }

    [Fact]
    public async Task The_presets_are_listed_in_catalogue_order_with_their_kind_and_bar()
    {
        await using var server = await RunningServer.InMemory();
        var presets = (await server.Training.ListPresetsAsync(new ListPresetsRequest())).Presets;
        Assert.Equal(PresetCatalog.Names, presets.Select(p => p.Name));
        var moons = presets.Single(p => p.Name == Moons);
        Assert.Equal(("2d", "test_nll <= 1.87"), (moons.Kind, moons.Bar));
        Assert.Equal(PresetCatalog.Find(Moons)!.Exercise, moons.Title);
        Assert.Equal("images", presets.Single(p => p.Name == "glow-mnist").Kind);
        Assert.Equal("vae", presets.Single(p => p.Name == "vae-flowprior").Kind);
        Assert.Equal("gap (reported, no bar)", presets.Single(p => p.Name == "dtu-chequerboard").Bar);
    }

    [Fact]
    public async Task An_unknown_job_is_not_found_naming_it()
    {
        await using var server = await RunningServer.InMemory();
        var watch = await Rpcs.Failure(async () => await WatchToEnd(server, "job-99"));
        var cancel = await Rpcs.Failure(async () => await server.Training.CancelJobAsync(new CancelJobRequest { JobId = "job-99" }));
        var get = await Rpcs.Failure(async () => await server.Training.GetJobAsync(new GetJobRequest { JobId = "job-99" }));
        foreach (var error in new[] { watch, cancel, get })
        {
            Assert.Equal(StatusCode.NotFound, error.StatusCode);
            Assert.Contains("job-99", error.Status.Detail);
        }
        var missing = await Rpcs.Failure(async () => await server.Training.GetJobAsync(new GetJobRequest()));
        Assert.Equal(StatusCode.InvalidArgument, missing.StatusCode);
        Assert.StartsWith("job_id:", missing.Status.Detail);
    }

    [Fact]
    public async Task Bad_requests_are_refused_naming_the_field()
    {
        await using var server = await RunningServer.InMemory();
        var cases = new (StartTrainingRequest Request, StatusCode Code, string Field)[]
        {
            (new StartTrainingRequest(), StatusCode.InvalidArgument, "source:"),
            (new StartTrainingRequest { Preset = "no-such-preset" }, StatusCode.NotFound, "no preset named 'no-such-preset'"),
            (new StartTrainingRequest { Preset = "vae-flowprior", Fast = true }, StatusCode.InvalidArgument, "preset:"),
            (Fast(overrides: new TrainingOverrides { BatchSize = 0 }), StatusCode.InvalidArgument, "overrides.batch_size:"),
            (Fast(overrides: new TrainingOverrides { BatchSize = int.MaxValue }), StatusCode.InvalidArgument, "overrides.batch_size:"),
            (Fast(overrides: new TrainingOverrides { Steps = -3 }), StatusCode.InvalidArgument, "overrides.steps:"),
            (Fast(overrides: new TrainingOverrides { Steps = 10, Epochs = 2 }), StatusCode.InvalidArgument, "overrides.steps:"),
            (Fast("dtu-twogaussians", new TrainingOverrides { Epochs = 2 }), StatusCode.InvalidArgument, "overrides.epochs:"),
            (Fast(overrides: new TrainingOverrides { LearningRate = double.NaN }), StatusCode.InvalidArgument, "overrides.learning_rate:"),
            (Fast(overrides: new TrainingOverrides { LearningRate = -1 }), StatusCode.InvalidArgument, "overrides.learning_rate:"),
            (Fast(overrides: new TrainingOverrides { TrainSize = 0 }), StatusCode.InvalidArgument, "overrides.train_size:"),
            (Fast("dtu-mnist-random", new TrainingOverrides { TrainSize = 100 }), StatusCode.InvalidArgument, "overrides.train_size:"),
            (Fast(overrides: new TrainingOverrides { TimeBudgetSeconds = 0 }), StatusCode.InvalidArgument, "overrides.time_budget_seconds:"),
            (Fast(overrides: new TrainingOverrides { SnapshotEvery = -1 }), StatusCode.InvalidArgument, "overrides.snapshot_every:"),
            (Fast(overrides: new TrainingOverrides { TrainSize = 1, Epochs = 200_000_000 }), StatusCode.InvalidArgument, "overrides.epochs:"),
            (Fast(modelName: "../escape"), StatusCode.InvalidArgument, "model_name:"),
            (Fast(modelName: "has space"), StatusCode.InvalidArgument, "model_name:"),
            (Fast(modelName: "two_moons-realnvp"), StatusCode.InvalidArgument, "model_name:"),
            (new StartTrainingRequest { RequestJson = "{\"dataset\": " }, StatusCode.InvalidArgument, "request_json"),
            (new StartTrainingRequest { RequestJson = "" }, StatusCode.InvalidArgument, "request_json:"),
            (new StartTrainingRequest { RequestJson = "{}", Fast = true }, StatusCode.InvalidArgument, "fast:"),
            (new StartTrainingRequest { RequestJson = "{\"training\": {\"batch_size\": 0}}" }, StatusCode.InvalidArgument, "request_json.training.batch_size:"),
            (new StartTrainingRequest { RequestJson = "{\"training\": {\"batch_size\": \"big\"}}" }, StatusCode.InvalidArgument, "request_json.training.batch_size:"),
            (new StartTrainingRequest { RequestJson = "{\"trainig\": {}}" }, StatusCode.InvalidArgument, "request_json"),
            (new StartTrainingRequest { RequestJson = "{\"dataset\": \"no_such_set\"}" }, StatusCode.InvalidArgument, "request_json.dataset:"),
            (new StartTrainingRequest { RequestJson = "{\"architecture\": \"no_such_flow\"}" }, StatusCode.InvalidArgument, "request_json.architecture:"),
            (new StartTrainingRequest { RequestJson = "{\"architecture_options\": {\"net\": {\"hidden\": 100000}}}" }, StatusCode.InvalidArgument, "request_json.architecture_options.net.hidden:"),
            (new StartTrainingRequest { RequestJson = "{\"architecture_options\": {\"steps\": 100000}}" }, StatusCode.InvalidArgument, "request_json.architecture_options.steps:"),
            (new StartTrainingRequest { RequestJson = "{\"training\": {\"epochs\": 3}}" }, StatusCode.InvalidArgument, "request_json.training.epochs:"),
        };
        foreach (var (request, code, field) in cases)
        {
            var error = await Rpcs.Failure(async () => await server.Training.StartTrainingAsync(request));
            Assert.True(code == error.StatusCode, $"{request}: expected {code}, got {error.StatusCode}: {error.Status.Detail}");
            Assert.True(error.Status.Detail.StartsWith(field, StringComparison.Ordinal), $"{request}: expected '{field}...', got '{error.Status.Detail}'");
        }
        Assert.Empty((await server.Training.ListJobsAsync(new ListJobsRequest())).Jobs);
    }

    [Fact]
    public async Task The_same_preset_and_seed_give_the_same_model_and_a_request_json_the_same_as_its_preset()
    {
        await using var server = await RunningServer.InMemory(s => s.Limits.MaxConcurrentJobs = 1);
        async Task<IDictionary<string, double>> Train(StartTrainingRequest request)
        {
            var job = await Start(server, request);
            var done = Final(await WatchToEnd(server, job.Id));
            Assert.True(JobState.Succeeded == done.State, done.Error);
            return done.Metrics.Where(m => m.Key != "seconds").ToDictionary();
        }

        var seeded = new TrainingOverrides { Seed = 5, Steps = 20 };
        var first = await Train(Fast(overrides: seeded));
        var second = await Train(Fast(overrides: seeded));
        var json = SpecJson.Serialize(PresetCatalog.Find(Moons)!.FastRequest());
        var fromJson = await Train(new StartTrainingRequest { RequestJson = json, Overrides = seeded });
        var otherSeed = await Train(Fast(overrides: new TrainingOverrides { Seed = 6, Steps = 20 }));

        Assert.Equal(first, second);
        Assert.Equal(first, fromJson);
        Assert.NotEqual(first["test_nll"], otherSeed["test_nll"]);
        var jobs = (await server.Training.ListJobsAsync(new ListJobsRequest())).Jobs;
        Assert.Equal(["job-4", "job-3", "job-2", "job-1"], jobs.Select(j => j.Id));
        Assert.Equal(TrainingPlan.RequestSource, jobs[1].Preset);
        Assert.Equal("request-job-3", jobs[1].Model);
    }

    [Fact]
    public async Task Two_watchers_both_get_every_event_and_cancelling_a_watch_leaves_the_job_running()
    {
        await using var server = await RunningServer.InMemory();
        // Few messages (fresh points every step, a report every 30 steps, validated at each): no watcher's queue can
        // fill, so none drops any.
        var fast = PresetCatalog.Find(Moons)!.FastRequest();
        var request = fast with
        {
            Data = fast.Data with { TrainSize = null },
            Training = fast.Training with { Steps = 300, ReportEvery = 30, ValidateEvery = 0 },
        };
        var job = await Start(server, new StartTrainingRequest
        {
            RequestJson = SpecJson.Serialize(request), Overrides = new TrainingOverrides { SnapshotEvery = 100 }, ModelName = "watched.moons",
        });
        Assert.Equal("watched.moons", job.Model);

        using (var dropped = new CancellationTokenSource())
        {
            using var call = server.Training.WatchJob(new WatchJobRequest { JobId = job.Id }, cancellationToken: dropped.Token);
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal(WatchJobResponse.EventOneofCase.Job, call.ResponseStream.Current.EventCase);
            dropped.Cancel();
            var error = await Rpcs.Failure(async () => { while (await call.ResponseStream.MoveNext()) { } });
            Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        }

        var watches = await Task.WhenAll(WatchToEnd(server, job.Id), WatchToEnd(server, job.Id));
        foreach (var messages in watches)
        {
            Assert.Equal(JobState.Succeeded, Final(messages).State);
            Assert.Equal(300, Progress(messages).Last().Step);
        }
        Assert.Equal(Enumerable.Range(1, 10).Select(i => 30 * i), Progress(watches[0]).Select(p => p.Step));
        Assert.Equal(Progress(watches[0]).Select(p => p.TrainLoss), Progress(watches[1]).Select(p => p.TrainLoss));
        Assert.Equal(watches[0].Where(m => m.EventCase == WatchJobResponse.EventOneofCase.Notice).Select(m => m.Notice),
                     watches[1].Where(m => m.EventCase == WatchJobResponse.EventOneofCase.Notice).Select(m => m.Notice));
        Assert.Contains((await server.Models.ListModelsAsync(new ListModelsRequest())).Models, m => m.Name == "watched.moons");
    }

    [Fact]
    public async Task A_job_whose_data_cannot_be_read_fails_with_the_reason_and_the_server_goes_on()
    {
        using var data = new TempDirectory();
        // A data folder that claims to hold a dataset (the four IDX names) but whose files are not IDX at all.
        foreach (var split in new[] { "train", "t10k" })
        {
            File.WriteAllText(data.File($"{split}-images-idx3-ubyte"), "not an idx file");
            File.WriteAllText(data.File($"{split}-labels-idx1-ubyte"), "not an idx file");
        }
        await using var server = await RunningServer.InMemory(s => s.DataDirectory = data.Path);
        var job = await Start(server, Fast("dtu-mnist-random"));
        var done = Final(await WatchToEnd(server, job.Id));
        Assert.Equal(JobState.Failed, done.State);
        Assert.Contains("ubyte", done.Error);
        Assert.Empty(done.Metrics);

        var next = await Start(server, Fast());
        Assert.Equal(JobState.Succeeded, Final(await WatchToEnd(server, next.Id)).State);
    }

    [Fact]
    public async Task Shutting_down_cancels_running_jobs_ends_their_watches_and_refuses_new_ones()
    {
        await using var server = await RunningServer.InMemory();
        var job = await Start(server, Long());
        using var call = server.Training.WatchJob(new WatchJobRequest { JobId = job.Id });
        await ReadUntil(call.ResponseStream, m => m.EventCase == WatchJobResponse.EventOneofCase.Progress);
        var watching = ReadUntil(call.ResponseStream, m => m.EventCase == WatchJobResponse.EventOneofCase.Job);

        server.Service<IHostApplicationLifetime>().StopApplication();
        await watching.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(JobState.Cancelled, call.ResponseStream.Current.Job.State);
        var error = Assert.Throws<RpcException>(() => server.Service<JobManager>().Start(new TrainingPlan(
            PresetCatalog.Find(Moons)!.FastRequest(), Moons, null, FlowLive.Training.SnapshotSchedule.None)));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }
}
