namespace FlowLive.Viewer.Platform;

/// <summary>
/// The keys the viewer's bindings can name, independent of GLFW. Letters and punctuation are the key at that place on
/// a US keyboard (GLFW reports physical keys, not the characters a layout types).
/// </summary>
public enum Key
{
    Unknown,
    A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T, U, V, W, X, Y, Z,
    D0, D1, D2, D3, D4, D5, D6, D7, D8, D9,
    F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12,
    Space, Enter, Escape, Tab, Backspace, Delete,
    Left, Right, Up, Down,
    Home, End, PageUp, PageDown,
    LeftBracket, RightBracket, Minus, Equal, Comma, Period, Slash,
    KeypadPlus, KeypadMinus,
}
