using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Nets;

/// <summary>Builds conditioner networks from a <see cref="SubnetSpec"/>: MLPs for vectors, CNNs for images.</summary>
public static class Subnet
{
    /// <summary>
    /// A network from tensors of per-sample shape <paramref name="input"/> to <paramref name="output"/>;
    /// both vectors, or both images of the same height and width. The last layer is zero-initialised.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(SubnetSpec spec, Shape input, Shape output)
    {
        if (spec.Hidden < 1 || spec.Depth < 1)
            throw new ArgumentException($"subnet needs hidden >= 1 and depth >= 1, got hidden {spec.Hidden}, depth {spec.Depth}");
        if (input.IsVector && output.IsVector) return Mlp(spec, input[0], output[0]);
        if (input.IsImage && output.IsImage && input[1] == output[1] && input[2] == output[2])
            return Cnn(spec, input[0], output[0]);
        throw new FlowShapeException($"no subnet maps {input} to {output}: both must be vectors, or images of the same height and width");
    }

    static nn.Module<Tensor, Tensor> Mlp(SubnetSpec spec, long inputs, long outputs)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        long width = inputs;
        for (int i = 0; i < spec.Depth; i++)
        {
            layers.Add(new NarrowLinear(width, spec.Hidden));
            layers.Add(ActivationModule(spec.Activation));
            width = spec.Hidden;
        }
        var last = new NarrowLinear(width, outputs);
        ZeroInit(last.Weight, last.Bias);
        layers.Add(last);
        return nn.Sequential(layers);
    }

    static nn.Module<Tensor, Tensor> Cnn(SubnetSpec spec, long inputs, long outputs)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>
        {
            nn.Conv2d(inputs, spec.Hidden, 3, padding: 1),
            ActivationModule(spec.Activation),
        };
        for (int i = 1; i < spec.Depth; i++)
        {
            layers.Add(nn.Conv2d(spec.Hidden, spec.Hidden, 1));
            layers.Add(ActivationModule(spec.Activation));
        }
        var last = nn.Conv2d(spec.Hidden, outputs, 3, padding: 1);
        ZeroInit(last.weight!, last.bias);
        layers.Add(last);
        return nn.Sequential(layers);
    }

    static void ZeroInit(Parameter weight, Parameter? bias)
    {
        // zero_() hands back a second wrapper of the same tensor; the scope frees the wrappers, not the weights.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        weight.zero_();
        bias?.zero_();
    }

    public static nn.Module<Tensor, Tensor> ActivationModule(Activation activation) => activation switch
    {
        Activation.Relu => nn.ReLU(),
        Activation.Tanh => nn.Tanh(),
        Activation.Elu => nn.ELU(),
        Activation.Gelu => nn.GELU(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
