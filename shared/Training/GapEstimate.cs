using FlowLive.Data.Toy;
using FlowLive.Flows;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// The gap of a model q to the best possible NLL on data from a known density p: E_p[log p(x) - log q(x)] =
/// KL(p || q), estimated on the same held-out points as the test NLL. Paired differences cancel most of the noise
/// of each term (with 10,000 points the test NLL alone wanders by about 0.01 nats, more than some bars), so this,
/// not "test NLL minus the data's entropy", is the figure a bar on the gap is judged by; its standard error says how
/// far to trust it.
/// </summary>
public static class GapEstimate
{
    public sealed record Value(double Nats, double StandardError);

    public static Value Measure(Flow flow, IKnownDensity truth, Tensor points)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        flow.Train(false);
        var weight = flow.Module.parameters().FirstOrDefault();
        var differences = new List<Tensor>();
        for (long start = 0; start < points.shape[0]; start += 8192)
        {
            var batch = points[TensorIndex.Slice(start, Math.Min(points.shape[0], start + 8192))].to(float64);
            var q = flow.LogProb(weight is null ? batch : batch.to(weight.dtype, weight.device)).to(float64).cpu();
            differences.Add(truth.LogDensity(batch) - q);
        }
        var all = cat(differences);
        double n = all.shape[0];
        return new Value(all.mean().item<double>(), n > 1 ? all.std().item<double>() / Math.Sqrt(n) : double.NaN);
    }
}
