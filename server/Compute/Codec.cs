using FlowLive.Flows;
using FlowLive.Imaging;
using FlowLive.Server.Wire;

namespace FlowLive.Server.Compute;

/// <summary>Encode, decode and log-density of client batches (run on the compute scheduler; plain arrays out).</summary>
public static class Codec
{
    public static (Batch Latents, float[] LogDet, float[] LogProb) Encode(Flow flow, Batch points)
    {
        var x = FlowTensors.For(flow, points.Values, points.FullShape);
        var (z, logDet) = flow.Encode(x);
        var logProb = flow.Base.LogProb(z) + logDet;
        return (new Batch(FlowTensors.Floats(z), points.Count, flow.LatentShape), FlowTensors.Floats(logDet), FlowTensors.Floats(logProb));
    }

    public static (Batch Points, float[] LogDet) Decode(Flow flow, Batch latents)
    {
        var z = FlowTensors.For(flow, latents.Values, latents.FullShape);
        var (x, logDet) = flow.Decode(z);
        return (new Batch(FlowTensors.Floats(x), latents.Count, flow.DataShape), FlowTensors.Floats(logDet));
    }

    public static float[] LogProb(Flow flow, Batch points) =>
        FlowTensors.Floats(flow.LogProb(FlowTensors.For(flow, points.Values, points.FullShape)));
}
