namespace FlowLive.Viewer.Engine;

/// <summary>What a key does, independent of which key it is (the key map lives in <see cref="KeyMap"/>).</summary>
public enum ViewerCommand
{
    PlayPause, StepForward, StepBack, Faster, Slower, Resample, NextModel, PreviousModel, Warmer, Cooler,
    MorePoints, FewerPoints, ToggleDensity, ToggleVolume, ToggleGrid, ToggleData, ToggleColours, ToggleHelp, ResetView, Screenshot,
    Fullscreen, Quit, Interpolation, StartTraining, CancelTraining, Scene1, Scene2, Scene3, Scene4, Scene5, Scene6,
}

/// <summary>Mouse input in window pixels, already separated from keys: drag to pan, wheel to zoom, click to probe.</summary>
public abstract record PointerInput;
public sealed record PointerDrag(System.Numerics.Vector2 From, System.Numerics.Vector2 To) : PointerInput;
public sealed record PointerZoom(System.Numerics.Vector2 At, float Factor) : PointerInput;
public sealed record PointerClick(System.Numerics.Vector2 At) : PointerInput;
