using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// Anything the trainer can fit: a module of weights and a per-sample loss in nats whose mean is minimised.
/// Flows by maximum likelihood, flows by reverse KL and VAEs all look like this to <see cref="TrainingLoop"/>, so
/// validation, early stopping, checkpoints and the non-finite guard are written once.
/// </summary>
public interface ITrainable
{
    /// <summary>Every weight and buffer: what checkpoints save and the optimizer updates.</summary>
    nn.Module Module { get; }

    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// The loss of each sample of <paramref name="batch"/>, shape [batch], in nats. All randomness (dequantization
    /// noise, reparameterisation) comes from <paramref name="generator"/>, so a step is a function of its seed.
    /// </summary>
    Tensor Loss(Tensor batch, Generator generator);

    /// <summary>Training or evaluation behaviour (batch norm, ActNorm).</summary>
    void Train(bool training);

    /// <summary>Lets data-dependent initialisation (ActNorm) see the first batch before any gradient step.</summary>
    void InitializeFromData(Tensor batch, Generator generator);
}
