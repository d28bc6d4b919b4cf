using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// Redraws a freshly built model's random initial weights from a run's own generator, with the distributions the
/// layers' constructors use (which draw from torch's global generator, process-wide state two concurrent runs would
/// race). Linear and convolution weights and biases, MADE's masked and i-ResNet's spectral linear layers: U(-1/sqrt(fan_in),
/// 1/sqrt(fan_in)), nn.Linear's default; all-zero weights (the zero-initialised last layers that make a new coupling
/// the identity) stay zero. Planar u and w: U(-1/sqrt(D), 1/sqrt(D)). Spectral power-iteration vectors: a normalised
/// Gaussian. Everything else (ActNorm, LU factors seeded by their specs, learned scales, bases) starts deterministic.
/// </summary>
public static class WeightInitialisation
{
    public static void Apply(nn.Module root, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (_, module) in root.named_modules())
        {
            var own = module.named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter);
            if (own.TryGetValue("weight", out var weight) && weight.ndim >= 2 && weight.count_nonzero().item<long>() > 0)
            {
                long fanIn = weight.numel() / weight.shape[0];
                double limit = 1 / Math.Sqrt(fanIn);
                Uniform(weight, limit, generator);
                if (own.TryGetValue("bias", out var bias)) Uniform(bias, limit, generator);
            }
            if (module is PlanarFlow)
                foreach (var name in new[] { "u", "w" })
                    if (own.TryGetValue(name, out var vector)) Uniform(vector, 1 / Math.Sqrt(vector.numel()), generator);
            if (module is SpectralLinear)
                foreach (var (name, buffer) in module.named_buffers(recurse: false))
                    if (name == "u")
                        buffer.copy_(nn.functional.normalize(randn(buffer.shape, dtype: float64, generator: generator), dim: 0));
        }
    }

    static void Uniform(Tensor tensor, double limit, Generator generator) =>
        tensor.copy_(rand(tensor.shape, dtype: float64, generator: generator) * (2 * limit) - limit);
}
