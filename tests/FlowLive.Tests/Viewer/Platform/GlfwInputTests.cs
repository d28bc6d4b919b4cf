extern alias viewer;
using viewer::FlowLive.Viewer.Platform;

namespace FlowLive.Tests.Viewer.Platform;

/// <summary>
/// The callbacks' translation of GLFW's raw arguments and the queue the game loop drains, driven with the arguments
/// GLFW would pass (glfw3.h codes), no window needed.
/// </summary>
public class GlfwInputTests
{
    [Theory]
    [InlineData(65, Key.A)]
    [InlineData(90, Key.Z)]
    [InlineData(48, Key.D0)]
    [InlineData(57, Key.D9)]
    [InlineData(290, Key.F1)]
    [InlineData(301, Key.F12)]
    [InlineData(32, Key.Space)]
    [InlineData(257, Key.Enter)]
    [InlineData(335, Key.Enter)]
    [InlineData(256, Key.Escape)]
    [InlineData(262, Key.Right)]
    [InlineData(263, Key.Left)]
    [InlineData(264, Key.Down)]
    [InlineData(265, Key.Up)]
    [InlineData(91, Key.LeftBracket)]
    [InlineData(93, Key.RightBracket)]
    [InlineData(45, Key.Minus)]
    [InlineData(61, Key.Equal)]
    [InlineData(258, Key.Tab)]
    [InlineData(259, Key.Backspace)]
    [InlineData(268, Key.Home)]
    [InlineData(269, Key.End)]
    [InlineData(266, Key.PageUp)]
    [InlineData(267, Key.PageDown)]
    [InlineData(334, Key.KeypadPlus)]
    [InlineData(333, Key.KeypadMinus)]
    [InlineData(327, Key.D7)]
    [InlineData(340, Key.Unknown)] // left shift: reported as a modifier, not a key
    [InlineData(-1, Key.Unknown)]
    public void GlfwKeyCodesMapToKeys(int glfwKey, Key expected) => Assert.Equal(expected, GlfwInput.ToKey(glfwKey));

    [Fact]
    public void EveryKeyButUnknownHasAGlfwCode()
    {
        var mapped = Enumerable.Range(-1, 400).Select(GlfwInput.ToKey).ToHashSet();
        Assert.Equal(Enum.GetValues<Key>().Where(k => k != Key.Unknown).Order(), mapped.Where(k => k != Key.Unknown).Order());
    }

    [Fact]
    public void KeysArriveInOrderWithActionAndModifiersAndTheQueueEmptiesWhenDrained()
    {
        var queue = new InputQueue();
        GlfwInput.OnKey(queue, 65, Glfw.Press, Glfw.ModShift | Glfw.ModControl | 0x10 /* caps lock: not a modifier here */);
        GlfwInput.OnKey(queue, 65, Glfw.Repeat, 0);
        GlfwInput.OnKey(queue, 340, Glfw.Press, Glfw.ModShift); // unknown keys are not queued
        GlfwInput.OnKey(queue, 65, Glfw.Release, 0);
        GlfwInput.OnMouseButton(queue, 1, Glfw.Press, 12.5, 40);

        Assert.Equal(
            [
                new KeyEvent(Key.A, KeyAction.Press, KeyModifiers.Shift | KeyModifiers.Control),
                new KeyEvent(Key.A, KeyAction.Repeat, KeyModifiers.None),
                new KeyEvent(Key.A, KeyAction.Release, KeyModifiers.None),
                new MouseButtonEvent(MouseButton.Right, KeyAction.Press, 12.5, 40),
            ],
            queue.Drain());
        Assert.Empty(queue.Drain());
    }

    [Fact]
    public void EventsQueuedAfterADrainWaitForTheNextOne()
    {
        var queue = new InputQueue();
        queue.Enqueue(new ResizeEvent(800, 600));
        var first = queue.Drain();
        queue.Enqueue(new ScrollEvent(0, -1, 5, 6));

        Assert.Equal([new ResizeEvent(800, 600)], first);
        Assert.Equal([new ScrollEvent(0, -1, 5, 6)], queue.Drain());
    }
}
