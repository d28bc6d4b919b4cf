using FlowLive.Flows;

namespace FlowLive.Vae;

/// <summary>
/// A Bernoulli VAE, declaratively (weights aside). The defaults are those of the DTU 02460 exercise code
/// (vae_bernoulli.py, versions 1.1/1.2): 784 binary pixels, M = 32 latent dimensions, encoder MLP
/// 784 -> 512 -> 512 -> 2M and decoder MLP M -> 512 -> 512 -> 784, ReLU between layers.
/// The prior is a FlowLive flow over the M-D latent space (<see cref="LatentPriors"/>): a standard Gaussian and a
/// mixture of Gaussians are flows with no layers, so one spec type, one JSON form and one log-density cover all three.
/// </summary>
public sealed record VaeSpec
{
    /// <summary>Pixels per image, D (784 for 28x28 digits).</summary>
    public int DataDimension { get; init; } = 784;

    /// <summary>Latent dimensions, M.</summary>
    public int LatentDimension { get; init; } = 32;

    /// <summary>Width of every hidden layer of the encoder and the decoder.</summary>
    public int Hidden { get; init; } = 512;

    /// <summary>Hidden layers of each MLP (the exercise has 2).</summary>
    public int HiddenLayers { get; init; } = 2;

    /// <summary>p(z): a flow whose data shape is [M].</summary>
    public required FlowSpec Prior { get; init; }

    /// <summary>Throws naming the field when the spec cannot describe a VAE.</summary>
    public void Validate()
    {
        if (DataDimension < 1) throw new ArgumentException($"VaeSpec.DataDimension must be positive, got {DataDimension}");
        if (LatentDimension < 1) throw new ArgumentException($"VaeSpec.LatentDimension must be positive, got {LatentDimension}");
        if (Hidden < 1) throw new ArgumentException($"VaeSpec.Hidden must be positive, got {Hidden}");
        if (HiddenLayers < 0) throw new ArgumentException($"VaeSpec.HiddenLayers must be 0 or more, got {HiddenLayers}");
        if (Prior is null) throw new ArgumentException("VaeSpec.Prior is missing");
    }
}
