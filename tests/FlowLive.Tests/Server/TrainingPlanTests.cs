using FlowLive.Models;
using FlowLive.Protos.V1;
using FlowLive.Server;
using FlowLive.Server.Jobs;
using FlowLive.Training;
using FlowLive.Training.Presets;
using Grpc.Core;

namespace FlowLive.Tests.Server;

/// <summary>StartTraining's request turned into a plan: presets, request JSON, overrides and the server's training caps.</summary>
public sealed class TrainingPlanTests
{
    static readonly ServerLimits Defaults = new();
    static readonly string DataFolder = Path.Combine(Path.GetTempPath(), "flowlive-plan-data");

    static TrainingPlan Plan(StartTrainingRequest request, ServerLimits? limits = null) => TrainingPlan.From(request, DataFolder, limits ?? Defaults);

    [Fact]
    public void Every_flow_preset_and_its_fast_version_fits_the_default_caps()
    {
        foreach (var preset in PresetCatalog.All.Where(p => p.Request().Vae is null))
        {
            foreach (bool fast in new[] { false, true })
            {
                var plan = Plan(new StartTrainingRequest { Preset = preset.Name, Fast = fast });
                Assert.Equal(preset.Name, plan.Preset);
                Assert.Equal((fast ? preset.FastRequest() : preset.Request()).Training, plan.Request.Training);
                Assert.Equal(Path.GetFullPath(DataFolder), plan.Request.Data.DataDir);
                Assert.Equal(new SnapshotSchedule(Count: TrainingPlan.DefaultSnapshots), plan.Snapshots);
            }
        }
    }

    [Fact]
    public void Overrides_change_only_what_they_name_as_the_cli_flags_do()
    {
        var preset = PresetCatalog.Find("radboud-moons")!.Request(); // 40 epochs of 100,000 points
        var plan = Plan(new StartTrainingRequest
        {
            Preset = "Radboud-Moons",
            Overrides = new TrainingOverrides { Steps = 500, Seed = 9, LearningRate = 1e-2, SnapshotEvery = 25, TimeBudgetSeconds = 60 },
            ModelName = "mine",
        });
        Assert.Equal("radboud-moons", plan.Preset);
        Assert.Equal("mine", plan.ModelName);
        var t = plan.Request.Training;
        Assert.Equal((500, null, 9L, 1e-2, 50, TimeSpan.FromMinutes(1)), (t.Steps, t.Epochs, t.Seed, t.LearningRate, t.ReportEvery, t.TimeBudget));
        Assert.Equal(preset.Training.BatchSize, t.BatchSize);
        Assert.Equal(preset.Training.Schedule, t.Schedule);
        Assert.Equal(9, plan.Request.ArchitectureOptions.Seed);
        Assert.Equal(preset.Data with { DataDir = plan.Request.Data.DataDir }, plan.Request.Data);
        Assert.Equal(new SnapshotSchedule(Every: 25), plan.Snapshots);

        var epochs = Plan(new StartTrainingRequest { Preset = "dtu-twogaussians", Overrides = new TrainingOverrides { TrainSize = 1000, Epochs = 3, BatchSize = 100 } });
        Assert.Equal((1000, 3, 100, 3), (epochs.Request.Data.TrainSize, epochs.Request.Training.Epochs, epochs.Request.Training.BatchSize, epochs.Request.Training.ReportEvery));
    }

    [Fact]
    public void A_request_as_json_is_the_document_model_files_store_and_its_data_folder_is_the_servers()
    {
        var request = PresetCatalog.Find("dtu-twogaussians")!.FastRequest() with { Data = new DataOptions { DataDir = "/etc" } };
        var plan = Plan(new StartTrainingRequest { RequestJson = SpecJson.Serialize(request) });
        Assert.Equal(TrainingPlan.RequestSource, plan.Preset);
        Assert.Equal(request with { Data = request.Data with { DataDir = Path.GetFullPath(DataFolder) } }, plan.Request with { Spec = request.Spec });
        Assert.Equal(SpecJson.Serialize(request.Spec), SpecJson.Serialize(plan.Request.Spec));
    }

    [Fact]
    public void Flows_and_batches_beyond_the_training_caps_are_resource_exhausted_naming_the_cap()
    {
        var huge = Assert.Throws<RpcException>(() => Plan(new StartTrainingRequest
        {
            RequestJson = """{"architecture": "realnvp", "architecture_options": {"steps": 64, "net": {"hidden": 4096}}}""",
        }));
        Assert.Equal(StatusCode.ResourceExhausted, huge.StatusCode);
        Assert.StartsWith("request_json.architecture_options:", huge.Status.Detail);
        Assert.Contains("MaxTrainingWeights", huge.Status.Detail);

        var batch = Assert.Throws<RpcException>(() => Plan(new StartTrainingRequest
        {
            Preset = "radboud-moons", Overrides = new TrainingOverrides { BatchSize = 100 },
        }, new ServerLimits { MaxTrainingBatch = 64 }));
        Assert.Equal(StatusCode.ResourceExhausted, batch.StatusCode);
        Assert.StartsWith("overrides.batch_size:", batch.Status.Detail);
        Assert.Contains("MaxTrainingBatch = 64", batch.Status.Detail);
    }
}
