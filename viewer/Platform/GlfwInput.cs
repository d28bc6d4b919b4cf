namespace FlowLive.Viewer.Platform;

/// <summary>
/// GLFW's raw callback arguments turned into <see cref="InputEvent"/>s: kept apart from the native callbacks
/// (<see cref="GlfwCallbacks"/>) so the translation is plain code a test can call.
/// </summary>
internal static class GlfwInput
{
    public static void OnKey(InputQueue queue, int glfwKey, int action, int mods)
    {
        var key = ToKey(glfwKey);
        if (key != Key.Unknown) queue.Enqueue(new KeyEvent(key, ToAction(action), ToModifiers(mods)));
    }

    /// <param name="x">Cursor position already in framebuffer pixels (GLFW gives none with a button event).</param>
    public static void OnMouseButton(InputQueue queue, int glfwButton, int action, double x, double y) =>
        queue.Enqueue(new MouseButtonEvent(ToButton(glfwButton), ToAction(action), x, y));

    public static KeyAction ToAction(int action) => action switch
    {
        Glfw.Press => KeyAction.Press,
        Glfw.Repeat => KeyAction.Repeat,
        _ => KeyAction.Release,
    };

    public static KeyModifiers ToModifiers(int mods) =>
        (KeyModifiers)(mods & (Glfw.ModShift | Glfw.ModControl | Glfw.ModAlt | Glfw.ModSuper));

    public static MouseButton ToButton(int button) => button switch
    {
        0 => MouseButton.Left,
        1 => MouseButton.Right,
        2 => MouseButton.Middle,
        _ => MouseButton.Other,
    };

    /// <summary>GLFW key codes (glfw3.h: printable keys are their ASCII codes) to <see cref="Key"/>.</summary>
    public static Key ToKey(int code) => code switch
    {
        >= 65 and <= 90 => Key.A + (code - 65),
        >= 48 and <= 57 => Key.D0 + (code - 48),
        >= 290 and <= 301 => Key.F1 + (code - 290),
        // Keypad digits and Enter do what the main ones do: presenters use whichever is at hand.
        >= 320 and <= 329 => Key.D0 + (code - 320),
        335 => Key.Enter,
        32 => Key.Space,
        44 => Key.Comma,
        45 => Key.Minus,
        46 => Key.Period,
        47 => Key.Slash,
        61 => Key.Equal,
        91 => Key.LeftBracket,
        93 => Key.RightBracket,
        256 => Key.Escape,
        257 => Key.Enter,
        258 => Key.Tab,
        259 => Key.Backspace,
        261 => Key.Delete,
        262 => Key.Right,
        263 => Key.Left,
        264 => Key.Down,
        265 => Key.Up,
        266 => Key.PageUp,
        267 => Key.PageDown,
        268 => Key.Home,
        269 => Key.End,
        333 => Key.KeypadMinus,
        334 => Key.KeypadPlus,
        _ => Key.Unknown,
    };
}
