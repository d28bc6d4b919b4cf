using System.Runtime.CompilerServices;

namespace FlowLive.Viewer.Graphics;

/// <summary>
/// GPU copies of CPU objects (an image's texture, a point cloud's buffers), keyed by the object itself so scenes never
/// manage GL lifetimes. The key is held weakly: once a scene drops an image, <see cref="Sweep"/> (each frame) frees its
/// copy. Freeing happens there, on the GL thread, because a finalizer would run on a thread without the context.
/// </summary>
internal sealed class GpuCache<TKey, TValue> : IDisposable where TKey : class where TValue : class, IDisposable
{
    private readonly ConditionalWeakTable<TKey, TValue> byKey = new();
    private readonly List<(WeakReference<TKey> Key, TValue Value)> entries = [];

    public IEnumerable<TValue> Values => entries.Select(e => e.Value);

    public TValue GetOrCreate(TKey key, Func<TKey, TValue> create)
    {
        if (byKey.TryGetValue(key, out var existing)) return existing;
        var value = create(key);
        byKey.Add(key, value);
        entries.Add((new WeakReference<TKey>(key), value));
        return value;
    }

    /// <summary>Frees the copies of objects that have been garbage-collected.</summary>
    public void Sweep()
    {
        for (int i = entries.Count - 1; i >= 0; i--)
        {
            if (entries[i].Key.TryGetTarget(out _)) continue;
            entries[i].Value.Dispose();
            entries.RemoveAt(i);
        }
    }

    public void Dispose()
    {
        foreach (var (key, value) in entries)
        {
            value.Dispose();
            if (key.TryGetTarget(out var alive)) byKey.Remove(alive);
        }
        entries.Clear();
    }
}
