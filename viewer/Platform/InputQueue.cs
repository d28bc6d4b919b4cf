namespace FlowLive.Viewer.Platform;

/// <summary>
/// Events recorded by the window's callbacks, waiting for the game loop. GLFW calls the callbacks on the thread that
/// polls (inside <c>glfwPollEvents</c>), which is also the loop's thread, so a plain list needs no lock; the loop
/// handles events after polling, never inside a callback, where GLFW forbids much and an exception would end the
/// process.
/// </summary>
public sealed class InputQueue
{
    private readonly List<InputEvent> pending = [];

    public void Enqueue(InputEvent inputEvent) => pending.Add(inputEvent);

    /// <summary>Everything since the last drain, oldest first; the queue is empty afterwards.</summary>
    public IReadOnlyList<InputEvent> Drain()
    {
        if (pending.Count == 0) return [];
        var events = pending.ToArray();
        pending.Clear();
        return events;
    }
}
