using FlowLive.Flows;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// Maximum likelihood for a flow: loss = -log p(x). For 8-bit images (<see cref="Dequantize"/>), pixels k are
/// dequantized afresh each batch to x = (k + u) / 256 (Theis et al. 2016) and the loss is reported on the 256-level
/// scale, -log p(x) + D log 256: nats per image of the discrete data, a bound that bits/dim divides by D ln 2.
/// </summary>
public sealed class FlowLikelihood(Flow flow, bool dequantize) : ITrainable
{
    static readonly double Log256 = Math.Log(256);

    public Flow Flow { get; } = flow;
    public bool Dequantize { get; } = dequantize;
    public nn.Module Module => Flow.Module;
    public IReadOnlyList<Parameter> Parameters { get; } = flow.Parameters().ToList();

    public Tensor Loss(Tensor batch, Generator generator)
    {
        using var scope = NewDisposeScope();
        var x = Prepare(batch, generator);
        var loss = -Flow.LogProb(x);
        if (Dequantize) loss = loss + Flow.DataShape.Size * Log256;
        return loss.MoveToOuterDisposeScope();
    }

    public void Train(bool training) => Flow.Train(training);

    public void InitializeFromData(Tensor batch, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Flow.Encode(Prepare(batch, generator));
    }

    Tensor Prepare(Tensor batch, Generator generator)
    {
        var x = Dequantize ? Likelihood.Dequantize(batch, generator) : batch;
        var weight = Flow.Module.parameters().Concat(Flow.Module.buffers()).FirstOrDefault(t => t.is_floating_point());
        return weight is null ? x : x.to(weight.dtype, weight.device);
    }
}
