namespace FlowLive.Viewer.Engine;

/// <summary>
/// Where the flow-steps animation stands: a position in [0, K] along the layers (0 = base, K = data), playing
/// forward or back at a speed in layers per second, pausing for a moment at either end before it turns round.
/// Stepped by the fixed timestep; <see cref="At"/> interpolates between the last two steps for drawing.
/// </summary>
public sealed class LayerAnimation
{
    private double hold;

    public LayerAnimation(int layerCount) => LayerCount = layerCount;

    public int LayerCount { get; private set; }
    public double Position { get; private set; }
    public double Previous { get; private set; }
    public bool Playing { get; set; } = true;
    public int Direction { get; private set; } = 1;

    /// <summary>Layers per second.</summary>
    public double Speed { get; set; } = 1.0;

    /// <summary>Seconds spent resting at the base and at the data before turning round.</summary>
    public double HoldSeconds { get; set; } = 0.8;

    /// <summary>Seconds from the base to the data and back, resting at both ends (a headless render's whole story).</summary>
    public double RoundTripSeconds => 2 * (LayerCount / Speed + HoldSeconds);

    public void Reset(int layerCount)
    {
        LayerCount = Math.Max(0, layerCount);
        Position = Previous = 0;
        Direction = 1;
        hold = HoldSeconds;
    }

    public void Step(double seconds)
    {
        Previous = Position;
        if (!Playing || LayerCount == 0) return;
        if (hold > 0)
        {
            hold -= seconds;
            return;
        }
        Position += Direction * Speed * seconds;
        if (Position >= LayerCount || Position <= 0)
        {
            Position = Math.Clamp(Position, 0, LayerCount);
            Direction = -Direction;
            hold = HoldSeconds;
        }
    }

    /// <summary>Moves to a layer boundary (stepping a layer), pausing the animation.</summary>
    public void StepLayer(int delta)
    {
        Playing = false;
        double target = delta > 0 ? Math.Floor(Position + 1e-9) + delta : Math.Ceiling(Position - 1e-9) + delta;
        Position = Previous = Math.Clamp(target, 0, LayerCount);
    }

    /// <summary>Jumps to <paramref name="position"/> (the scrub slider), pausing.</summary>
    public void Scrub(double position)
    {
        Playing = false;
        Position = Previous = Math.Clamp(position, 0, LayerCount);
    }

    /// <summary>The position to draw, between the last two steps.</summary>
    public double At(double alpha) => Previous + (Position - Previous) * Math.Clamp(alpha, 0, 1);

    /// <summary>
    /// Splits a position into the layer interval it lies in and the eased fraction within it: motion slows into and
    /// out of each layer's state, so a class sees every intermediate state, not just a blur.
    /// </summary>
    public static (int From, double T) Segment(double position, int layerCount)
    {
        if (layerCount == 0) return (0, 0);
        position = Math.Clamp(position, 0, layerCount);
        int from = Math.Min((int)Math.Floor(position), layerCount - 1);
        double t = position - from;
        return (from, t * t * (3 - 2 * t));
    }
}
