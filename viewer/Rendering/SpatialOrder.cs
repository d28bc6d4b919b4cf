namespace FlowLive.Viewer.Rendering;

/// <summary>
/// An order of a cloud's points along a Z-order (Morton) curve through their positions: points next to each other in
/// the order are next to each other in the plane. A flow is continuous, so points that start close stay close
/// through every layer, and a cloud kept in this order lands on neighbouring pixels one after another: the CPU
/// splat's per-pixel sums are then read from cache rather than from memory at random.
/// </summary>
public static class SpatialOrder
{
    /// <summary>Indices of the first <paramref name="count"/> points of <paramref name="state"/> in Z-order over their bounding box.</summary>
    public static int[] Of(PointStates state, int count)
    {
        var (x0, x1, y0, y1) = Box(state, count);
        // 16 bits per axis: finer than any screen, so the order within a pixel no longer matters.
        float sx = x1 > x0 ? 65535f / (x1 - x0) : 0, sy = y1 > y0 ? 65535f / (y1 - y0) : 0;
        var keys = new uint[count];
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = Interleave(Quantise(state.X[i], x0, sx), Quantise(state.Y[i], y0, sy));
            order[i] = i;
        }
        Array.Sort(keys, order);
        return order;
    }

    /// <summary>The bounding box of the finite positions (non-finite ones sort to the box's corner).</summary>
    private static (float X0, float X1, float Y0, float Y1) Box(PointStates state, int count)
    {
        float x0 = float.MaxValue, x1 = float.MinValue, y0 = float.MaxValue, y1 = float.MinValue;
        for (int i = 0; i < count; i++)
        {
            float x = state.X[i], y = state.Y[i];
            if (float.IsFinite(x)) (x0, x1) = (Math.Min(x0, x), Math.Max(x1, x));
            if (float.IsFinite(y)) (y0, y1) = (Math.Min(y0, y), Math.Max(y1, y));
        }
        return x0 <= x1 && y0 <= y1 ? (x0, x1, y0, y1) : (0, 0, 0, 0);
    }

    private static uint Quantise(float v, float origin, float scale) =>
        float.IsFinite(v) ? (uint)Math.Clamp((v - origin) * scale, 0f, 65535f) : 0;

    /// <summary>The bits of x in the even positions and those of y in the odd ones.</summary>
    internal static uint Interleave(uint x, uint y) => Spread(x) | (Spread(y) << 1);

    private static uint Spread(uint v)
    {
        v &= 0xFFFF;
        v = (v | (v << 8)) & 0x00FF00FF;
        v = (v | (v << 4)) & 0x0F0F0F0F;
        v = (v | (v << 2)) & 0x33333333;
        v = (v | (v << 1)) & 0x55555555;
        return v;
    }
}
