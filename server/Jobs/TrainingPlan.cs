using System.Text.Json;
using System.Text.Json.Serialization;
using FlowLive.Flows;
using FlowLive.Models;
using FlowLive.Protos.V1;
using FlowLive.Server.Wire;
using FlowLive.Training;
using FlowLive.Training.Presets;

namespace FlowLive.Server.Jobs;

/// <summary>
/// What a job will train, checked whole before the job exists: the request (a preset's or the client's JSON, with the
/// overrides applied and the server's data folder), what Job.preset shows, the model name asked for (null: the
/// default) and when snapshots go out.
/// </summary>
public sealed record TrainingPlan(TrainingRequest Request, string Preset, string? ModelName, SnapshotSchedule Snapshots)
{
    /// <summary>Job.preset of a request_json job.</summary>
    public const string RequestSource = "request";

    /// <summary>Snapshots over a run when the client leaves snapshot_every to the server: enough to watch it learn.</summary>
    public const int DefaultSnapshots = 20;

    // A misspelt field in a client's request is an error, not a silently ignored option.
    static readonly JsonSerializerOptions StrictJson = new(SpecJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>
    /// The plan of a StartTraining request; INVALID_ARGUMENT naming the field (preset, request_json.FIELD, overrides.FIELD,
    /// model_name, fast) for anything that cannot run, NOT_FOUND for an unknown preset, RESOURCE_EXHAUSTED naming the
    /// cap for a flow or batch beyond the server's training limits.
    /// </summary>
    public static TrainingPlan From(StartTrainingRequest message, string dataDirectory, ServerLimits limits)
    {
        var (request, preset, root) = message.SourceCase switch
        {
            StartTrainingRequest.SourceOneofCase.Preset => FromPreset(message.Preset, message.Fast),
            StartTrainingRequest.SourceOneofCase.RequestJson => (FromJson(message.RequestJson, message.Fast), RequestSource, "request_json"),
            _ => throw Problems.Invalid("source", "set preset (a name from `flowlive presets`) or request_json (a training request)"),
        };
        request = Overrides.Apply(request, message.Overrides);
        request = request with { Data = request.Data with { DataDir = Path.GetFullPath(dataDirectory) } };
        var spec = Check(request, root);
        int batch = request.Training.BatchSize;
        if (batch > limits.MaxTrainingBatch)
            throw Problems.OverCap(message.Overrides is { HasBatchSize: true } ? "overrides.batch_size" : $"{root}.training.batch_size",
                $"Limits:MaxTrainingBatch = {limits.MaxTrainingBatch:N0}", $"asks for batches of {batch:N0}");
        long weights = SpecCheck.MinimumWeights(spec);
        if (weights > limits.MaxTrainingWeights)
            throw Problems.OverCap(request.Spec is not null ? $"{root}.spec" : $"{root}.architecture_options",
                $"Limits:MaxTrainingWeights = {limits.MaxTrainingWeights:N0}", $"the flow would have at least {weights:N0} weights");
        string? name = message.ModelName is { Length: > 0 } given ? ModelNames.Check(given) : null;
        int every = message.Overrides is { HasSnapshotEvery: true } o ? o.SnapshotEvery : 0;
        var snapshots = every > 0 ? new SnapshotSchedule(Every: every) : new SnapshotSchedule(Count: DefaultSnapshots);
        return new TrainingPlan(request, preset, name, snapshots);
    }

    /// <summary>The preset's request, its name as the catalog spells it (Job.preset) and the root of its fields' names.</summary>
    static (TrainingRequest Request, string Preset, string Root) FromPreset(string name, bool fast)
    {
        var preset = PresetCatalog.Find(name)
                     ?? throw Problems.NotFound("preset", name, $"presets: {string.Join(", ", PresetCatalog.Names)}");
        var request = fast ? preset.FastRequest() : preset.Request();
        if (request.Vae is not null)
            throw Problems.Invalid("preset", $"{preset.Name} trains the exercise's three VAEs (.vae files), not a flow the server can host; " +
                                             $"run it with `flowlive train --preset {preset.Name}`");
        return (request, preset.Name, "preset");
    }

    static TrainingRequest FromJson(string json, bool fast)
    {
        if (fast) throw Problems.Invalid("fast", "applies to presets; a request sets its own steps");
        if (string.IsNullOrWhiteSpace(json)) throw Problems.Invalid("request_json", "is empty: give a training request as JSON");
        TrainingRequest request;
        try
        {
            request = JsonSerializer.Deserialize<TrainingRequest>(json, StrictJson) ?? throw new JsonException("the JSON is null");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException
                                       or FormatException or OverflowException)
        {
            throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.InvalidArgument, SpecJson.Describe(e, "request_json")));
        }
        if (request.Vae is not null)
            throw Problems.Invalid("request_json.vae", "VAE experiments write .vae files, not a flow the server can host; run them with `flowlive train`");
        return request;
    }

    /// <summary>The request as a whole: its spec and sizes within FlowLive's caps, then everything the library checks before any data.</summary>
    static FlowSpec Check(TrainingRequest request, string root)
    {
        if (SpecCheck.FirstProblem(request, root) is { } problem) throw Problems.Invalid(problem.Field, problem.Problem);
        var data = request.Data;
        bool images = Overrides.IsImages(request);
        if (data.TrainSize is int n && (n < 1 || n > TrainingLimits.MaxPoints))
            throw Problems.Invalid($"{root}.data.train_size", $"must be between 1 and {TrainingLimits.MaxPoints:N0}, got {n:N0}");
        if (images && data.TrainSize is not null)
            throw Problems.Invalid($"{root}.data.train_size", "applies to 2-D sets; image datasets train on their training split");
        foreach (var (field, count) in new[] { ("validation_size", data.ValidationSize), ("test_size", data.TestSize) })
            if (count < 0 || count > TrainingLimits.MaxPoints)
                throw Problems.Invalid($"{root}.data.{field}", $"must be between 0 and {TrainingLimits.MaxPoints:N0}, got {count:N0}");
        if (request.Training.BatchSize > SpecLimits.MaxBatch)
            throw Problems.Invalid($"{root}.training.batch_size", $"at most {SpecLimits.MaxBatch:N0}, got {request.Training.BatchSize:N0}");
        if (request.Spec is null && request.ArchitectureOptions.Steps is < 1 or > SpecLimits.MaxLayers)
            throw Problems.Invalid($"{root}.architecture_options.steps", $"must be between 1 and {SpecLimits.MaxLayers}, got {request.ArchitectureOptions.Steps}");
        if (request.Training.Epochs is not null && !images && data.TrainSize is null && request.Target is null)
            throw Problems.Invalid($"{root}.training.epochs", "needs a finite training set (data.train_size); this dataset draws fresh points every step");
        if (request.Training.Schedule is StepDecaySchedule && !images && data.TrainSize is null)
            throw Problems.Invalid($"{root}.training.schedule", "step decay counts epochs, which need a finite training set (data.train_size); use cosine");
        if (Overrides.TotalSteps(request) is var total && total > TrainingLimits.MaxSteps)
            throw Problems.Invalid($"{root}.training.{(request.Training.Epochs is null ? "steps" : "epochs")}",
                $"the run would take {total:N0} steps; at most {TrainingLimits.MaxSteps:N0}");
        FlowSpec spec;
        try
        {
            spec = TrainingRun.Check(request);
        }
        catch (ArgumentException e)
        {
            var (field, reason) = Locate(e, root);
            throw Problems.Invalid(field, reason);
        }
        // A spec the catalog built from the request's options is held to the same caps as one given whole.
        if (SpecCheck.FirstProblem(spec, $"{root}.spec") is { } built) throw Problems.Invalid(built.Field, built.Problem);
        return spec;
    }

    /// <summary>
    /// The request field a library refusal is about and its reason: "Data.ImageSize: 28 or 14" is root.data.image_size,
    /// a <see cref="TrainingOptions"/> check its property under root.training; anything else is about the request as a whole.
    /// </summary>
    static (string Field, string Reason) Locate(ArgumentException e, string root)
    {
        // Messages carry " (Parameter 'x')" and the value after the reason; the reason alone reads better on the wire.
        string message = e.Message;
        int parameter = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (parameter >= 0) message = message[..parameter];
        if (e is ArgumentOutOfRangeException { ParamName: { } option } range && typeof(TrainingOptions).GetProperty(option) is not null)
            return ($"{root}.training.{JsonNamingPolicy.SnakeCaseLower.ConvertName(option)}", $"{message}, got {range.ActualValue}");
        int colon = message.IndexOf(':');
        if (colon <= 0 || message[..colon].Any(c => !(char.IsLetter(c) || c == '.'))) return (root, message);
        string field = root + string.Concat(message[..colon].Split('.').Select(part => "." + JsonNamingPolicy.SnakeCaseLower.ConvertName(part)));
        return (field, message[(colon + 1)..].Trim());
    }
}
