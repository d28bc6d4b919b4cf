using FlowLive.Vae;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>A Bernoulli VAE as the trainer sees it: loss = -ELBO per image, in nats (DTU exercise 2.6).</summary>
public sealed class VaeObjective(BernoulliVae vae) : ITrainable
{
    public BernoulliVae Vae { get; } = vae;
    public nn.Module Module => Vae.Module;
    public IReadOnlyList<Parameter> Parameters { get; } = vae.Parameters().ToList();
    public Tensor Loss(Tensor batch, Generator generator) => Vae.Loss(batch, generator);
    public void Train(bool training) => Vae.Train(training);
    public void InitializeFromData(Tensor batch, Generator generator) { }
}
