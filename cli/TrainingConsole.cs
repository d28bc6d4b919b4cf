using FlowLive.Training;
using Spectre.Console;

namespace FlowLive.Cli;

/// <summary>
/// Shows a run in the terminal: a live progress bar with the loss and the time left when the output is a terminal,
/// plain lines otherwise (logs, CI, tests). Image losses are shown in bits/dim, everything else in nats, always
/// saying which. The run executes inside <see cref="Show"/> on the calling thread.
/// </summary>
public static class TrainingConsole
{
    public static T Show<T>(TextWriter output, Func<ITrainingObserver, T> run)
    {
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!terminal) return run(new PlainLines(output));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context => result = run(new Bar(context)));
        return result;
    }

    /// <summary>The loss of a report in the units that fit the data.</summary>
    public static string Loss(TrainingReport r, double? nats, string label) =>
        nats is null ? "" : r.BitsPerDim(nats) is double bits ? $"{label} {bits:F3} bits/dim" : $"{label} {nats:F4} nats";

    static string Line(TrainingReport r) =>
        $"step {r.Step,6}/{r.TotalSteps}  epoch {r.Epoch,3}  {Loss(r, r.TrainLoss, "train")}" +
        (r.ValidationLoss is null ? "" : $"  {Loss(r, r.ValidationLoss, "validation")}") +
        $"  lr {r.LearningRate:G3}  {r.SamplesPerSecond:N0} samples/s  {r.Elapsed.TotalSeconds:F1} s";

    static string? Other(TrainingEvent e) => e switch
    {
        RecoveredFromNonFinite r => $"recovered from a non-finite {r.What} at step {r.Step}: weights of step {r.RestoredStep} restored, " +
                                    $"learning rate halved to {r.NewLearningRate:G3} ({r.Recoveries} so far)",
        StoppedEarly s => $"stopped early at step {s.Step}: no validation improvement in {s.Patience} evaluations; " +
                          $"restoring the best weights (step {s.BestStep}, validation {s.BestValidationLoss:F4} nats)",
        NonFiniteValidation n => $"the validation loss at step {n.Step} is {n.ValidationLoss}: counted as no improvement",
        CheckpointWritten c => $"checkpoint: {c.Path}",
        OutOfTime o => $"time budget of {o.Budget.TotalMinutes:F0} minutes used at step {o.Step}: stopping with the best validated weights",
        _ => null,
    };

    sealed class PlainLines(TextWriter output) : ITrainingObserver
    {
        public void OnEvent(TrainingEvent e)
        {
            if (e is TrainingReport r) output.WriteLine("  " + Line(r));
            else if (e is TrainingStarted s && s.Step > 0) output.WriteLine($"  resuming at step {s.Step} of {s.TotalSteps}");
            else if (Other(e) is string line) output.WriteLine("  " + line);
        }
    }

    sealed class Bar(ProgressContext context) : ITrainingObserver
    {
        ProgressTask? task;

        public void OnEvent(TrainingEvent e)
        {
            switch (e)
            {
                case TrainingStarted s:
                    task = context.AddTask("training", maxValue: s.TotalSteps);
                    task.Value = s.Step;
                    break;
                case TrainingReport r when task is not null:
                    task.Value = r.Step;
                    task.Description = Markup.Escape($"{Loss(r, r.TrainLoss, "train")}" +
                                                     (r.ValidationLoss is null ? "" : $"  {Loss(r, r.ValidationLoss, "val")}"));
                    if (r.ValidationLoss is not null) AnsiConsole.MarkupLine(Markup.Escape("  " + Line(r)));
                    break;
                case TrainingFinished f when task is not null:
                    task.Value = task.MaxValue;
                    task.StopTask();
                    break;
                default:
                    if (Other(e) is string line) AnsiConsole.MarkupLine(Markup.Escape("  " + line));
                    break;
            }
        }
    }
}
