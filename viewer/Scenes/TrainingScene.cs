using System.Numerics;
using FlowLive.Protos.V1;
using FlowLive.Viewer.Client;
using FlowLive.Viewer.Engine;
using FlowLive.Viewer.Graphics;
using FlowLive.Viewer.Rendering;
using Grpc.Core;

namespace FlowLive.Viewer.Scenes;

/// <summary>
/// Live training: attach to the server's running job (or start one with T) and watch the flow learn: its latest
/// snapshot's samples over its density, and the train and validation curves so far. Watching is read-only; the
/// job goes on when the scene is left, and a viewer that joins late gets the history first (WatchJob replays it).
/// </summary>
public sealed class TrainingScene : Scene
{
    private readonly SampleLayer sampleLayer = new();
    private readonly List<Vector2> trainCurve = [], validationCurve = [];
    private (float X0, float X1, float Y0, float Y1)? lossAxes;
    private Job? job;
    private RgbaImage? heatmap;
    private (float X0, float X1, float Y0, float Y1) window = (-3, 3, -3, 3);
    private CancellationTokenSource? watch;
    private IReadOnlyList<Preset> presets = [];

    /// <summary>The preset T starts (its fast version).</summary>
    public string Preset { get; set; } = "radboud-moons";

    public Job? Job => job;
    public int Snapshots { get; private set; }

    /// <summary>The train loss curve drawn in the overlay: (step, loss), steps rising.</summary>
    public IReadOnlyList<Vector2> TrainCurve => trainCurve;

    public override string Title => "Live training";

    public override bool Live => true;

    /// <summary>The watched job has finished and its last snapshot is drawn.</summary>
    public override bool StoryEnded => job is { State: JobState.Succeeded or JobState.Failed or JobState.Cancelled };

    /// <summary>Counts what the job has sent (progress, snapshots, its state): a time-lapse films each change.</summary>
    public override int StoryVersion => storyVersion;
    private int storyVersion;

    /// <summary>Any model: the scene shows the server's job, not the chosen model.</summary>
    public override string? Refuses(ModelInfo model) => null;

    /// <summary>Ready once a job is watched and has sent a snapshot (a render then records it learning).</summary>
    /// <summary>
    /// A job to show (its snapshots may still be on their way): a render of a run then films from the first message,
    /// even when the job ran ahead of the watch and its history arrives replayed.
    /// </summary>
    public override bool Ready => job is not null;

    public override string Status => job is null ? $"no training job on the server: press T to train {Preset}"
        : $"{job.Id} {job.Preset} · {State(job.State)} · step {job.Step:N0} of {job.TotalSteps:N0}" +
          (job.HasTrainLoss ? $" · train {job.TrainLoss:0.000}" : "") +
          (job.HasBestValidationLoss ? $" · best validation {job.BestValidationLoss:0.000}" : "") +
          (job.Error is { Length: > 0 } error ? $" · {error}" : "");

    public override IEnumerable<(string Keys, string What)> Help =>
        [("T", $"start training {Preset} on the server (its fast version)"), ("Tab", "choose another 2-D preset"), ("Shift+C", "cancel the watched job")];

    protected override void Started()
    {
        Context.Start("ListPresets", async cancellation =>
        {
            var response = await Context.Server.Training.ListPresetsAsync(new ListPresetsRequest(), cancellationToken: cancellation);
            var twoD = response.Presets.Where(p => p.Kind == "2d").ToList();
            Context.Queue.Post(() => presets = twoD, cancellation);
        }, Streams);
        Context.Start("ListJobs", async cancellation =>
        {
            var jobs = await Context.Server.Training.ListJobsAsync(new ListJobsRequest(), cancellationToken: cancellation);
            var running = jobs.Jobs.FirstOrDefault(j => j.State is JobState.Running or JobState.Queued);
            // Without a running job: a render trains one; a viewer shows the last finished one (T trains anew).
            if (running is null && Context.Settings.TrainIfIdle) Context.Queue.Post(() => Handle(ViewerCommand.StartTraining), cancellation);
            else if ((running ?? jobs.Jobs.FirstOrDefault()) is { } shown) Context.Queue.Post(() => Watch(shown.Id), cancellation);
        }, Streams);
    }

    private void Watch(string id)
    {
        watch?.Cancel();
        watch = CancellationTokenSource.CreateLinkedTokenSource(Streams);
        ForgetHistory();
        Context.Start($"WatchJob {id}", async cancellation =>
        {
            // WatchJob replays the job's history first, so every attempt (a retry too) starts the curves afresh.
            Context.Queue.Post(ForgetHistory, cancellation);
            using var call = Context.Server.Training.WatchJob(new WatchJobRequest { JobId = id }, cancellationToken: cancellation);
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellation))
                Context.Queue.Post(() => Apply(message), cancellation);
        }, watch.Token);
    }

    private void ForgetHistory()
    {
        trainCurve.Clear();
        validationCurve.Clear();
        lossAxes = null;
        Snapshots = 0;
    }

    private void Apply(WatchJobResponse message)
    {
        storyVersion++;
        switch (message.EventCase)
        {
            case WatchJobResponse.EventOneofCase.Job:
                job = message.Job;
                break;
            case WatchJobResponse.EventOneofCase.Progress:
                var p = message.Progress;
                trainCurve.Add(new Vector2(p.Step, (float)p.TrainLoss));
                if (p.HasValidationLoss) validationCurve.Add(new Vector2(p.Step, (float)p.ValidationLoss));
                FitLossAxes();
                if (job is not null)
                {
                    // Job messages come at the start and the end only; progress means it runs.
                    if (job.State == JobState.Queued) job.State = JobState.Running;
                    job.Step = p.Step;
                    job.TotalSteps = p.TotalSteps;
                    job.TrainLoss = p.TrainLoss;
                }
                break;
            case WatchJobResponse.EventOneofCase.Snapshot:
                Snapshot(message.Snapshot);
                break;
        }
    }

    private void Snapshot(TrainingSnapshot snapshot)
    {
        Snapshots++;
        if (snapshot.Samples is { } s && s.Shape.Count == 2 && s.Shape[1] == 2)
        {
            var points = new PointStates((int)s.Shape[0]);
            points.Fill(0, WireTensors.Floats(s));
            sampleLayer.Samples = points;
        }
        if (snapshot.Density is { } grid && grid.LogDensity is { } logDensity)
        {
            var values = WireTensors.Floats(logDensity);
            heatmap = new RgbaImage(grid.Columns, grid.Rows);
            Heatmaps.Paint(values, Heatmaps.Top(values), heatmap);
            window = ((float)grid.Bounds.XMin, (float)grid.Bounds.XMax, (float)grid.Bounds.YMin, (float)grid.Bounds.YMax);
        }
    }

    public override void Update(double seconds) { }

    public override void Draw(IRenderer2D renderer, double alpha, RectangleF area)
    {
        var plot = new RectangleF(area.X + 10, area.Y + 50, area.Width * 0.62f, area.Height - 60);
        var view = ViewTransform.Fit(window.X0, window.X1, window.Y0, window.Y1, plot);
        if (heatmap is not null) renderer.DrawImage(heatmap, view.ToPixels(window.X0, window.X1, window.Y0, window.Y1), smooth: true);
        sampleLayer.Draw(renderer, view);
        Curves(renderer, new RectangleF(plot.Right + 30, area.Y + 80, area.Right - plot.Right - 50, area.Height * 0.45f));
    }

    /// <summary>Train (blue) and validation (orange) loss against step, on shared axes.</summary>
    private void Curves(IRenderer2D renderer, RectangleF box)
    {
        renderer.FillRectangle(box, new Rgba(255, 255, 255, 20));
        renderer.DrawText("loss (nats) by step", new Vector2(box.X, box.Y - 26), 18, Rgba.White);
        if (lossAxes is not var (x0, x1, y0, y1)) return;
        Vector2 Map(Vector2 p) => new(box.X + (p.X - x0) / (x1 - x0) * box.Width, box.Bottom - Math.Clamp((p.Y - y0) / (y1 - y0), 0, 1) * box.Height);
        renderer.DrawLines(trainCurve.Select(Map).ToArray(), new Rgba(110, 170, 255), 2, LineMode.Strip);
        if (validationCurve.Count > 1) renderer.DrawLines(validationCurve.Select(Map).ToArray(), new Rgba(255, 170, 80), 2, LineMode.Strip);
        renderer.DrawText($"{y1:0.00}", new Vector2(box.X - 4, box.Y - 2), 15, Rgba.White);
        renderer.DrawText($"{y0:0.00}", new Vector2(box.X - 4, box.Bottom - 16), 15, Rgba.White);
        renderer.DrawText("train", new Vector2(box.X + 6, box.Bottom + 6), 16, new Rgba(110, 170, 255));
        renderer.DrawText("validation", new Vector2(box.X + 70, box.Bottom + 6), 16, new Rgba(255, 170, 80));
    }

    /// <summary>
    /// The curves' axes, worked out as progress arrives rather than every frame: every step so far, and losses from the
    /// lowest to the 95th percentile (an early spike would flatten the rest). None until two points, or any finite loss.
    /// </summary>
    private void FitLossAxes()
    {
        var all = trainCurve.Concat(validationCurve).ToList();
        var sortedY = all.Select(p => p.Y).Where(float.IsFinite).Order().ToList();
        if (all.Count < 2 || sortedY.Count == 0)
        {
            lossAxes = null;
            return;
        }
        float x0 = all.Min(p => p.X), x1 = Math.Max(x0 + 1, all.Max(p => p.X));
        float y0 = sortedY[0], y1 = sortedY[(int)(0.95 * (sortedY.Count - 1))];
        if (y1 <= y0) y1 = y0 + 1;
        lossAxes = (x0, x1, y0, y1);
    }

    public override bool Handle(ViewerCommand command)
    {
        switch (command)
        {
            case ViewerCommand.StartTraining:
                var request = new StartTrainingRequest { Preset = Preset, Fast = true };
                Context.Start("StartTraining", async cancellation =>
                {
                    var started = await Context.Server.Training.StartTrainingAsync(request, cancellationToken: cancellation);
                    Context.Queue.Post(() =>
                    {
                        job = started.Job;
                        Watch(started.Job.Id);
                    }, cancellation);
                }, Streams);
                return true;
            case ViewerCommand.NextModel or ViewerCommand.PreviousModel when presets.Count > 0:
                int index = presets.ToList().FindIndex(p => p.Name == Preset);
                int step = command == ViewerCommand.NextModel ? 1 : -1;
                Preset = presets[((index + step) % presets.Count + presets.Count) % presets.Count].Name;
                Context.Report($"T trains {Preset}");
                return true;
            case ViewerCommand.CancelTraining when job is not null:
                var id = job.Id;
                Context.Start("CancelJob", cancellation => Context.Server.Training.CancelJobAsync(new CancelJobRequest { JobId = id }, cancellationToken: cancellation).ResponseAsync, Streams);
                return true;
            default:
                return false;
        }
    }

    private static string State(JobState state) => state.ToString().ToLowerInvariant();

    protected override void Stopped() => watch?.Cancel();
}
