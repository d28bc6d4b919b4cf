using FlowLive.Flows;
using FlowLive.Protos.V1;
using FlowLive.Server.Wire;

namespace FlowLive.Server.Compute;

/// <summary>
/// Paths between two latents: linear, or spherical (slerp over the flattened latents, which keeps the path's norm
/// near a Gaussian base's typical set instead of cutting through its low-norm middle). Plain arithmetic on arrays.
/// </summary>
public static class Interpolation
{
    public static Batch Path(float[] start, float[] end, Shape latentShape, int steps, InterpolationKind kind)
    {
        int size = start.Length;
        var values = new float[steps * size];
        double dot = 0, normStart = 0, normEnd = 0;
        for (int i = 0; i < size; i++)
        {
            dot += (double)start[i] * end[i];
            normStart += (double)start[i] * start[i];
            normEnd += (double)end[i] * end[i];
        }
        double cosine = normStart > 0 && normEnd > 0 ? Math.Clamp(dot / Math.Sqrt(normStart * normEnd), -1, 1) : 1;
        double omega = Math.Acos(cosine);
        bool spherical = kind == InterpolationKind.Spherical && Math.Sin(omega) > 1e-6;
        for (int s = 0; s < steps; s++)
        {
            double t = steps == 1 ? 0 : (double)s / (steps - 1);
            double a = spherical ? Math.Sin((1 - t) * omega) / Math.Sin(omega) : 1 - t;
            double b = spherical ? Math.Sin(t * omega) / Math.Sin(omega) : t;
            for (int i = 0; i < size; i++) values[s * size + i] = (float)(a * start[i] + b * end[i]);
        }
        return new Batch(values, steps, latentShape);
    }
}
