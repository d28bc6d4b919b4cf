namespace FlowLive.Viewer.Engine;

/// <summary>
/// The game-loop clock: simulation advances in fixed steps (so animation speed and every scene's state are the
/// same at 30 or 300 fps, and headless renders are deterministic), and drawing interpolates between the last two
/// steps by <c>alpha</c>, so motion stays smooth when frames and steps do not line up. A long stall (a dragged
/// window, a GC pause) runs at most <see cref="MaxStepsPerFrame"/> steps instead of spiralling.
/// </summary>
public sealed class FixedTimestep
{
    private double accumulator;

    public FixedTimestep(double stepSeconds = 1.0 / 120, int maxStepsPerFrame = 8)
    {
        if (!(stepSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(stepSeconds), stepSeconds, "a step must last longer than zero");
        if (maxStepsPerFrame < 1) throw new ArgumentOutOfRangeException(nameof(maxStepsPerFrame), maxStepsPerFrame, "at least one step per frame");
        (StepSeconds, MaxStepsPerFrame) = (stepSeconds, maxStepsPerFrame);
    }

    public double StepSeconds { get; }
    public int MaxStepsPerFrame { get; }

    /// <summary>Adds a frame's elapsed time; returns how many fixed steps to run now and the interpolation alpha.</summary>
    public (int Steps, double Alpha) Advance(double elapsedSeconds)
    {
        if (double.IsNaN(elapsedSeconds) || elapsedSeconds < 0) elapsedSeconds = 0;
        accumulator += elapsedSeconds;
        int steps = (int)Math.Floor(accumulator / StepSeconds);
        if (steps > MaxStepsPerFrame)
        {
            steps = MaxStepsPerFrame;
            accumulator = 0; // drop the backlog: catching up would freeze the picture further
        }
        else
        {
            accumulator -= steps * StepSeconds;
        }
        return (steps, Math.Clamp(accumulator / StepSeconds, 0, 1));
    }
}
