using FlowLive.Dequantization;
using FlowLive.Flows;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// An image flow trained with variational dequantization (Flow++): the trainer minimises the bound of
/// <see cref="VariationallyDequantizedFlow.Loss"/> over the flow and the dequantizer q(u | x) together. Only the flow is
/// kept afterwards; its reported test figure uses uniform dequantization, as `flowlive eval` does, so figures compare.
/// </summary>
public sealed class VariationalDequantization(VariationallyDequantizedFlow model) : ITrainable, IDisposable
{
    public VariationallyDequantizedFlow Model { get; } = model;
    public nn.Module Module => Model.Module;
    public IReadOnlyList<Parameter> Parameters { get; } = model.Parameters().ToList();
    public Tensor Loss(Tensor batch, Generator generator) => Model.Loss(batch, generator);
    public void Train(bool training) => Model.Train(training);

    public void InitializeFromData(Tensor batch, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var weight = Model.Flow.Module.parameters().First();
        Model.Flow.Encode(Likelihood.Dequantize(batch, generator).to(weight.dtype, weight.device));
    }

    /// <summary>Frees the dequantizer; the flow belongs to the run.</summary>
    public void Dispose() => Model.Dequantizer.Dispose();
}
