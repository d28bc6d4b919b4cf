using FlowLive.Viewer.Platform;

namespace FlowLive.Viewer.Engine;

/// <summary>
/// Which key does what, in one table (the help overlay lists the same): keys chosen for a lecturer at a laptop,
/// Space to play, the number row for scenes, letters named after what they do.
/// </summary>
public static class KeyMap
{
    public static ViewerCommand? Command(Key key, KeyModifiers modifiers) => key switch
    {
        Key.Space => ViewerCommand.PlayPause,
        Key.Period or Key.Right => ViewerCommand.StepForward,
        Key.Comma or Key.Left => ViewerCommand.StepBack,
        Key.RightBracket or Key.Up => ViewerCommand.Faster,
        Key.LeftBracket or Key.Down => ViewerCommand.Slower,
        Key.N => ViewerCommand.Resample,
        Key.Tab when modifiers.HasFlag(KeyModifiers.Shift) => ViewerCommand.PreviousModel,
        Key.Tab => ViewerCommand.NextModel,
        Key.Equal or Key.KeypadPlus => ViewerCommand.Warmer,
        Key.Minus or Key.KeypadMinus => ViewerCommand.Cooler,
        Key.P => ViewerCommand.MorePoints,
        Key.O => ViewerCommand.FewerPoints,
        Key.D => ViewerCommand.ToggleDensity,
        Key.V => ViewerCommand.ToggleVolume,
        Key.G => ViewerCommand.ToggleGrid,
        Key.X => ViewerCommand.ToggleData,
        Key.C when modifiers.HasFlag(KeyModifiers.Shift) => ViewerCommand.CancelTraining,
        Key.C => ViewerCommand.ToggleColours,
        Key.H or Key.F1 => ViewerCommand.ToggleHelp,
        Key.R => ViewerCommand.ResetView,
        Key.S => ViewerCommand.Screenshot,
        Key.F or Key.F11 => ViewerCommand.Fullscreen,
        Key.I => ViewerCommand.Interpolation,
        Key.T => ViewerCommand.StartTraining,
        Key.Escape or Key.Q => ViewerCommand.Quit,
        Key.D1 => ViewerCommand.Scene1,
        Key.D2 => ViewerCommand.Scene2,
        Key.D3 => ViewerCommand.Scene3,
        Key.D4 => ViewerCommand.Scene4,
        Key.D5 => ViewerCommand.Scene5,
        Key.D6 => ViewerCommand.Scene6,
        _ => null,
    };
}
