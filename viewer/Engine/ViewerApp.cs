using System.Numerics;
using FlowLive.Protos.V1;
using FlowLive.Viewer.Graphics;
using FlowLive.Viewer.Scenes;

namespace FlowLive.Viewer.Engine;

/// <summary>
/// The viewer without its window: the scenes, the model list, the overlay and what every command does. The game
/// loop (a GLFW window or the headless renderer) calls <see cref="Tick"/> with the frame's fixed steps and
/// <see cref="Draw"/> once per frame, so the same app runs on screen, offscreen and in tests.
/// </summary>
public sealed class ViewerApp : IDisposable
{
    private readonly List<Scene> scenes;
    private readonly Overlay overlay = new();
    private IReadOnlyList<ModelInfo> models = [];
    private string? wantedModel;
    private int current;
    private readonly CancellationTokenSource lifetime = new();

    public ViewerApp(ViewerContext context, IEnumerable<Scene> scenes, int scene = 0, string? model = null)
    {
        Context = context;
        this.scenes = scenes.ToList();
        current = Math.Clamp(scene, 0, this.scenes.Count - 1);
        wantedModel = model;
        LoadModels();
    }

    public ViewerContext Context { get; }
    public Scene Scene => scenes[current];

    /// <summary>Where <see cref="Scene"/> stands among the scenes (0 for the first; its number key is one more).</summary>
    public int SceneIndex => current;
    public ModelInfo? Model { get; private set; }
    public IReadOnlyList<ModelInfo> Models => models;

    /// <summary>Set when the user asks to quit; the loop closes the window.</summary>
    public bool QuitRequested { get; private set; }

    /// <summary>Set when the user asks for fullscreen; the window toggles it and clears the flag.</summary>
    public bool FullscreenRequested { get; set; }

    /// <summary>Set when the user asks for a screenshot; the loop saves the next frame and clears the flag.</summary>
    public bool ScreenshotRequested { get; set; }

    /// <summary>Frames per second as the loop measured it (shown in the overlay).</summary>
    public double FramesPerSecond { get; set; }

    private void LoadModels()
    {
        Context.Start("ListModels", async cancellation =>
        {
            var response = await Context.Server.Models.ListModelsAsync(new ListModelsRequest(), cancellationToken: cancellation);
            var serving = response.Models.Where(m => m.Status == ModelStatus.Serving).ToList();
            Context.Queue.Post(() =>
            {
                models = serving;
                ChooseModel(wantedModel);
            }, cancellation);
        }, lifetime.Token);
    }

    /// <summary>Picks <paramref name="name"/> if the scene can show it, else the first model it can, and enters the scene.</summary>
    private void ChooseModel(string? name)
    {
        var fits = models.Where(m => Scene.Refuses(m) is null).ToList();
        var chosen = fits.FirstOrDefault(m => m.Name == name) ?? fits.FirstOrDefault();
        if (name is not null && models.FirstOrDefault(m => m.Name == name) is { } named && Scene.Refuses(named) is { } why)
            Context.Report(why);
        else if (name is not null && chosen?.Name != name && models.All(m => m.Name != name))
            Context.Report($"no model named '{name}' on {Context.Server.Describe}");
        if (chosen is null)
        {
            Scene.Leave();
            Model = null;
            if (models.Count > 0) Context.Report($"{Scene.Title}: none of the server's {models.Count} models fits this scene");
            return;
        }
        Model = chosen;
        wantedModel = chosen.Name;
        Scene.Enter(Context, chosen);
    }

    /// <summary>
    /// One frame's worth of simulation: what the network delivered is applied (every frame, stepped or not), then the
    /// scene advances <paramref name="steps"/> fixed steps of <paramref name="stepSeconds"/>. No steps: messages only.
    /// Returns how many messages were applied (at most <paramref name="messages"/>; a time-lapse render takes one a frame).
    /// </summary>
    public int Tick(int steps = 0, double stepSeconds = 0, int messages = int.MaxValue)
    {
        int applied = Context.Queue.Drain(messages);
        for (int i = 0; i < steps; i++) Scene.Update(stepSeconds);
        return applied;
    }

    public void Draw(IRenderer2D renderer, double alpha)
    {
        renderer.BeginFrame(new FlowLive.Imaging.Rgb(18, 20, 28));
        var area = new RectangleF(0, 0, renderer.Width, renderer.Height);
        if (Model is not null) Scene.Draw(renderer, alpha, area);
        overlay.Draw(renderer, this);
        renderer.EndFrame();
    }

    public void Command(ViewerCommand command)
    {
        // A scene that has not been entered (no model yet: the server is slow or away) has no context to act on.
        if (Model is not null && Scene.Handle(command)) return;
        switch (command)
        {
            case ViewerCommand.Quit: QuitRequested = true; break;
            case ViewerCommand.Fullscreen: FullscreenRequested = true; break;
            case ViewerCommand.Screenshot: ScreenshotRequested = true; break;
            case ViewerCommand.ToggleHelp: Context.Settings.ShowHelp = !Context.Settings.ShowHelp; break;
            case ViewerCommand.ToggleDensity:
                Context.Settings.ShowDensity = !Context.Settings.ShowDensity;
                if (Context.Settings.ShowDensity) Context.Settings.ShowVolume = false;
                break;
            case ViewerCommand.ToggleVolume:
                Context.Settings.ShowVolume = !Context.Settings.ShowVolume;
                if (Context.Settings.ShowVolume) Context.Settings.ShowDensity = false;
                break;
            case ViewerCommand.ToggleGrid: Context.Settings.ShowGrid = !Context.Settings.ShowGrid; break;
            case ViewerCommand.ToggleData: Context.Settings.ShowData = !Context.Settings.ShowData; break;
            case ViewerCommand.NextModel: CycleModel(+1); break;
            case ViewerCommand.PreviousModel: CycleModel(-1); break;
            case >= ViewerCommand.Scene1 and <= ViewerCommand.Scene6: SwitchScene(command - ViewerCommand.Scene1); break;
        }
    }

    public void Pointer(PointerInput input, Vector2 size)
    {
        if (Model is not null) Scene.Pointer(input, new RectangleF(0, 0, size.X, size.Y));
    }

    public void SwitchScene(int index)
    {
        if (index < 0 || index >= scenes.Count || index == current) return;
        Scene.Leave();
        current = index;
        Context.Report(null);
        ChooseModel(wantedModel);
    }

    private void CycleModel(int direction)
    {
        var fits = models.Where(m => Scene.Refuses(m) is null).ToList();
        if (fits.Count == 0) return;
        int index = fits.FindIndex(m => m.Name == Model?.Name);
        ChooseModel(fits[((index + direction) % fits.Count + fits.Count) % fits.Count].Name);
    }

    public void Dispose()
    {
        lifetime.Cancel();
        foreach (var scene in scenes) scene.Dispose();
        lifetime.Dispose();
    }
}
