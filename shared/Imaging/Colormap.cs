namespace FlowLive.Imaging;

/// <summary>
/// Perceptually ordered colour scales for densities (viridis, sampled at 9 stops and interpolated), and the hue that
/// colours points by where they started. Plain C#: the viewer links this file, so its colours match the figures'.
/// </summary>
public static class Colormap
{
    static readonly Rgb[] ViridisStops =
    [
        new(68, 1, 84), new(71, 44, 122), new(59, 81, 139), new(44, 113, 142), new(33, 144, 141),
        new(39, 173, 129), new(92, 200, 99), new(170, 220, 50), new(253, 231, 37),
    ];

    /// <summary>Viridis at <paramref name="t"/> in [0, 1] (values outside are clamped).</summary>
    public static Rgb Viridis(double t)
    {
        if (double.IsNaN(t)) return ViridisStops[0];
        double position = Math.Clamp(t, 0, 1) * (ViridisStops.Length - 1);
        int low = Math.Min((int)position, ViridisStops.Length - 2);
        return Rgb.Lerp(ViridisStops[low], ViridisStops[low + 1], position - low);
    }

    /// <summary>A fully saturated hue for an angle in radians: colours points by where they started in the base.</summary>
    public static Rgb Hue(double angle)
    {
        double h = (angle / (2 * Math.PI) % 1 + 1) % 1 * 6;
        double x = 1 - Math.Abs(h % 2 - 1);
        var (r, g, b) = (int)h switch
        {
            0 => (1.0, x, 0.0), 1 => (x, 1.0, 0.0), 2 => (0.0, 1.0, x),
            3 => (0.0, x, 1.0), 4 => (x, 0.0, 1.0), _ => (1.0, 0.0, x),
        };
        return new Rgb((byte)(r * 220), (byte)(g * 220), (byte)(b * 220));
    }
}
