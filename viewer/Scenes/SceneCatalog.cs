namespace FlowLive.Viewer.Scenes;

/// <summary>The viewer's scenes in number-key order, and the names `--scene` takes.</summary>
public static class SceneCatalog
{
    public static readonly IReadOnlyList<string> Names = ["flow-steps", "density", "images", "interpolation", "training", "compare"];

    public static List<Scene> Create() =>
        [new FlowStepsScene(), new DensityScene(), new ImagesScene(), new InterpolationScene(), new TrainingScene(), new CompareScene()];

    /// <summary>The index of a scene by name ("flow-steps") or number ("1"); -1 when there is none.</summary>
    public static int IndexOf(string name)
    {
        if (int.TryParse(name, out int number)) return number >= 1 && number <= Names.Count ? number - 1 : -1;
        return Names.ToList().IndexOf(name.Trim().ToLowerInvariant());
    }
}
