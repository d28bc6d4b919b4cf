namespace FlowLive.Viewer.Platform;

/// <summary>
/// One thing the user did, recorded by the window's callbacks and handed to the game loop by
/// <see cref="GlfwWindow.DrainInput"/>. Positions are framebuffer pixels, origin top-left, y down: the renderer's
/// coordinates, so a click can be hit-tested against what was drawn even on a HiDPI screen.
/// </summary>
public abstract record InputEvent;

public sealed record KeyEvent(Key Key, KeyAction Action, KeyModifiers Modifiers) : InputEvent;

public sealed record MouseButtonEvent(MouseButton Button, KeyAction Action, double X, double Y) : InputEvent;

public sealed record MouseMoveEvent(double X, double Y) : InputEvent;

/// <summary>Wheel or touchpad scroll: <paramref name="DY"/> &gt; 0 is away from the user; at the cursor (X, Y).</summary>
public sealed record ScrollEvent(double DX, double DY, double X, double Y) : InputEvent;

/// <summary>The framebuffer's new size in pixels (window resized, moved to another screen, fullscreen toggled).</summary>
public sealed record ResizeEvent(int Width, int Height) : InputEvent;

public enum KeyAction { Release, Press, Repeat }

public enum MouseButton { Left, Right, Middle, Other }

[Flags]
public enum KeyModifiers { None = 0, Shift = 1, Control = 2, Alt = 4, Super = 8 }
