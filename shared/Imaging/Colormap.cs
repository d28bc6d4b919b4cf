namespace FlowLive.Imaging;

/// <summary>Perceptually ordered colour scales for densities (viridis, sampled at 9 stops and interpolated).</summary>
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
}
