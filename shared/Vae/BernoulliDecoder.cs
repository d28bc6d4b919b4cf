using static TorchSharp.torch;

namespace FlowLive.Vae;

/// <summary>
/// p(x | z) = prod_d Bernoulli(x_d; sigmoid(l_d(z))): an MLP from M latents to D logits, pixels independent given z
/// (BernoulliDecoder in the DTU exercise code).
/// </summary>
public sealed class BernoulliDecoder : nn.Module
{
    readonly nn.Module<Tensor, Tensor> net;

    public BernoulliDecoder(int latentDimension, int dataDimension, int hidden, int hiddenLayers) : base(nameof(BernoulliDecoder))
    {
        net = Mlp.Create(latentDimension, hidden, hiddenLayers, dataDimension);
        RegisterComponents();
    }

    /// <summary>Logits [batch, D] for latents [batch, M].</summary>
    public Tensor Logits(Tensor z)
    {
        using var scope = NewDisposeScope();
        return net.forward(z).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log p(x | z) = sum_d [x_d l_d - softplus(l_d)] (the stable form of x log sigmoid(l) + (1 - x) log sigmoid(-l)): [batch].
    /// </summary>
    public static Tensor LogProb(Tensor x, Tensor logits)
    {
        using var scope = NewDisposeScope();
        return (x * logits - nn.functional.softplus(logits)).sum(-1).MoveToOuterDisposeScope();
    }
}
