namespace FlowLive.Viewer.Rendering;

/// <summary>One state of a 2-D point cloud as separate x and y arrays (what SIMD wants), <see cref="Count"/> filled.</summary>
public sealed class PointStates(int capacity)
{
    public float[] X { get; } = new float[capacity];
    public float[] Y { get; } = new float[capacity];
    public int Count { get; set; }

    /// <summary>Copies interleaved (x, y) pairs in at point <paramref name="offset"/>.</summary>
    public void Fill(int offset, ReadOnlySpan<float> interleaved)
    {
        int n = interleaved.Length / 2;
        for (int i = 0; i < n; i++)
        {
            X[offset + i] = interleaved[2 * i];
            Y[offset + i] = interleaved[2 * i + 1];
        }
        Count = Math.Max(Count, offset + n);
    }

    /// <summary>The first <paramref name="count"/> points as interleaved (x, y) pairs, into <paramref name="reuse"/> when it has the size.</summary>
    public float[] Interleaved(int count, float[]? reuse = null)
    {
        var values = reuse is { } given && given.Length == 2 * count ? given : new float[2 * count];
        for (int i = 0; i < count; i++)
        {
            values[2 * i] = X[i];
            values[2 * i + 1] = Y[i];
        }
        return values;
    }
}
