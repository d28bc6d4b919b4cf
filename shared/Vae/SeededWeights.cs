using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Vae;

/// <summary>
/// Draws initial weights from a caller's generator instead of torch's global one, so that one seed gives one model
/// whatever else the process has drawn. Every <see cref="Linear"/> and <see cref="Conv2d"/> gets PyTorch's default
/// initialisation: weight and bias uniform on (-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform with a = sqrt(5) for
/// the weight; fan_in = inputs, or input channels x kernel height x kernel width).
/// Layers whose weight is all zero were zero-initialised on purpose (the last layer of a coupling conditioner, so a
/// new flow is the identity) and are left as they are.
/// </summary>
public static class SeededWeights
{
    /// <summary>Redraws every non-zero Linear and Conv2d layer inside <paramref name="module"/> (itself included), in order, from <paramref name="generator"/>.</summary>
    public static void ResetLayers(nn.Module module, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var layer in new[] { module }.Concat(module.modules()).Distinct())
        {
            var (weight, bias) = layer switch
            {
                Linear linear => (linear.weight, linear.bias),
                Conv2d conv => (conv.weight, conv.bias),
                _ => (null, null),
            };
            if (weight is null || !weight.any().ToBoolean()) continue;
            double bound = 1 / Math.Sqrt(weight[0].numel());
            Redraw(weight, bound, generator);
            if (bias is not null) Redraw(bias, bound, generator);
        }
    }

    /// <summary>Uniform on (-bound, bound), drawn on the CPU in float64 (the same numbers on any device and dtype).</summary>
    static void Redraw(Tensor parameter, double bound, Generator generator)
    {
        var values = (rand(parameter.shape, dtype: float64, generator: generator) * 2 - 1) * bound;
        parameter.copy_(values.to(parameter.dtype, parameter.device));
    }
}
