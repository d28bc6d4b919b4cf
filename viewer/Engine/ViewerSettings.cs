namespace FlowLive.Viewer.Engine;

/// <summary>What the user can change from the keyboard or command line, shared by every scene.</summary>
public sealed class ViewerSettings
{
    public static readonly int[] PointSteps = [2_000, 10_000, 50_000, 100_000, 250_000, 500_000, 1_000_000];

    /// <summary>Points in the flow-steps cloud.</summary>
    public int Points { get; set; } = 100_000;

    /// <summary>Base temperature of the samples (1 = the model itself).</summary>
    public double Temperature { get; set; } = 1.0;

    public long Seed { get; set; } = 1;

    /// <summary>auto (by renderer: CPU splatting on software GL, vertex shader on a GPU), cpu or gpu.</summary>
    public PointsPath PointsPath { get; set; } = PointsPath.Auto;

    /// <summary>The flow-steps heatmap: the log-density of the layers so far (D)...</summary>
    public bool ShowDensity { get; set; } = true;

    /// <summary>... or the current layer's volume change (V); turning one on turns the other off.</summary>
    public bool ShowVolume { get; set; }
    public bool ShowGrid { get; set; }
    public bool ShowData { get; set; }
    public bool ShowHelp { get; set; }

    /// <summary>Live training starts its preset itself when the server has no job (headless renders of a training run).</summary>
    public bool TrainIfIdle { get; set; }

    public void StepPoints(int direction)
    {
        int index = Array.FindIndex(PointSteps, p => p >= Points);
        if (index < 0) index = PointSteps.Length - 1;
        Points = PointSteps[Math.Clamp(index + direction, 0, PointSteps.Length - 1)];
    }

    public void StepTemperature(int direction) =>
        Temperature = Math.Round(Math.Clamp(Temperature + 0.1 * direction, 0.1, 2.0), 2);
}

public enum PointsPath { Auto, Cpu, Gpu }

/// <summary>The flow-steps heatmap a viewer starts with (D and V switch later).</summary>
public enum Heatmap { None, Density, Volume }
