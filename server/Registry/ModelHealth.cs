using FlowLive.Flows;
using static TorchSharp.torch;

namespace FlowLive.Server.Registry;

/// <summary>
/// The check a model passes before it is served: a few samples from a fixed seed must be finite, and so must their
/// log-densities (through the inverse when the flow has one), so a model with NaN weights is reported, not served.
/// </summary>
static class ModelHealth
{
    const int Probes = 16;

    public static string? Problem(Flow flow)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (x, logProb) = flow.SampleWithLogProb(Probes, 1.0, seed: 0);
        if (!isfinite(x).all().item<bool>()) return "its samples are not finite (NaN or infinite weights?)";
        if (!isfinite(logProb).all().item<bool>()) return "the log-densities of its samples are not finite";
        if (flow.HasInverse && !isfinite(flow.LogProb(x)).all().item<bool>())
            return "its inverse gives non-finite log-densities for its own samples";
        return null;
    }
}
