using FlowLive.Flows;
using FlowLive.Imaging;
using FlowLive.Server.Wire;
using static TorchSharp.torch;

namespace FlowLive.Server.Compute;

/// <summary>One chunk's state after one layer (index 0 = the base), with its log-det and running log-density.</summary>
public sealed record LayerState(int LayerIndex, Batch State, float[]? LogDet, float[]? LogProb);

/// <summary>
/// Every layer's state for a chunk of points, base first. From latents the states are the forward pass's; from data
/// they are the inverse pass's (so the last state is exactly the client's data). With log-dets, layer k's entry is
/// its forward log|det| per point and every state carries its log-density under the first k layers:
/// log p_k = log p_base(z) - sum of the first k log-dets (the waterfall the contract describes).
/// </summary>
public static class Tracing
{
    public static IReadOnlyList<LayerState> FromLatents(Flow flow, Batch latents, bool withLogDet)
    {
        var z = FlowTensors.For(flow, latents.Values, latents.FullShape);
        if (!withLogDet) return Collect(flow, flow.Trace(z), logDets: null, latents.Count);
        var states = new List<Tensor> { z };
        var logDets = new List<Tensor?> { null };
        foreach (var layer in flow.Layers)
        {
            var (next, logDet) = layer.Forward(states[^1]);
            states.Add(next);
            logDets.Add(logDet);
        }
        return Collect(flow, states, logDets, latents.Count);
    }

    public static IReadOnlyList<LayerState> FromData(Flow flow, Batch points, bool withLogDet)
    {
        var layers = flow.Layers;
        var states = new Tensor[layers.Count + 1];
        var logDets = withLogDet ? new Tensor?[layers.Count + 1] : null;
        states[^1] = FlowTensors.For(flow, points.Values, points.FullShape);
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            var (previous, inverseLogDet) = layers[i].Inverse(states[i + 1]);
            states[i] = previous;
            if (logDets is not null) logDets[i + 1] = -inverseLogDet;
        }
        return Collect(flow, states, logDets, points.Count);
    }

    /// <summary>The states as batches; with <paramref name="logDets"/> (element 0 unused), each layer's and the running log-density.</summary>
    static IReadOnlyList<LayerState> Collect(Flow flow, IReadOnlyList<Tensor> states, IReadOnlyList<Tensor?>? logDets, long count)
    {
        var result = new List<LayerState>(states.Count);
        Tensor? running = logDets is not null ? flow.Base.LogProb(states[0]) : null;
        for (int k = 0; k < states.Count; k++)
        {
            var logDet = k > 0 ? logDets?[k] : null;
            if (logDet is not null) running = running! - logDet;
            var shape = new Shape(states[k].shape[1..]);
            result.Add(new LayerState(k, new Batch(FlowTensors.Floats(states[k]), count, shape),
                logDet is not null ? FlowTensors.Floats(logDet) : null,
                running is not null ? FlowTensors.Floats(running) : null));
        }
        return result;
    }
}
