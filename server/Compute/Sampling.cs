using FlowLive.Flows;
using FlowLive.Imaging;
using FlowLive.Server.Wire;

namespace FlowLive.Server.Compute;

/// <summary>
/// Sampling as the server streams it: the whole base draw first (one seeded draw, so the points are those of
/// <see cref="Flow.Sample"/> with the same seed whatever the chunk size), then the decode chunk by chunk. Run on the
/// compute scheduler, which supplies the dispose scope; results are plain arrays.
/// </summary>
public static class Sampling
{
    public static Batch DrawLatents(Flow flow, long count, double temperature, long seed) =>
        new(FlowTensors.Floats(flow.Base.Sample(count, temperature, seed)), count, flow.LatentShape);

    /// <summary>Decodes latents; with <paramref name="withLogProb"/> also log p(x) = log p_base(z) - log|det dx/dz|.</summary>
    public static (Batch Points, float[]? LogProb) Decode(Flow flow, Batch latents, bool withLogProb)
    {
        var z = FlowTensors.For(flow, latents.Values, latents.FullShape);
        if (!withLogProb) return (new Batch(FlowTensors.Floats(flow.DecodeWithoutLogDet(z)), latents.Count, flow.DataShape), null);
        var (points, logDet) = flow.Decode(z);
        var logProb = flow.Base.LogProb(z) - logDet;
        return (new Batch(FlowTensors.Floats(points), latents.Count, flow.DataShape), FlowTensors.Floats(logProb));
    }
}
