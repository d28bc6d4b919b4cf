using static TorchSharp.torch;

namespace FlowLive.Vae;

/// <summary>
/// q(z | x) = N(z; mu(x), diag(sigma(x)^2)): an MLP from D pixels to 2M numbers, split into the mean and the
/// log standard deviation (sigma = exp of the second half, as GaussianEncoder in the DTU exercise code).
/// </summary>
public sealed class GaussianEncoder : nn.Module
{
    static readonly double LogTwoPi = Math.Log(2 * Math.PI);
    readonly nn.Module<Tensor, Tensor> net;

    public GaussianEncoder(int dataDimension, int latentDimension, int hidden, int hiddenLayers) : base(nameof(GaussianEncoder))
    {
        LatentDimension = latentDimension;
        net = Mlp.Create(dataDimension, hidden, hiddenLayers, 2L * latentDimension);
        RegisterComponents();
    }

    public int LatentDimension { get; }

    /// <summary>mu and log sigma, each [batch, M], of q(z | x) for a flat batch x [batch, D].</summary>
    public (Tensor mean, Tensor logStd) Encode(Tensor x)
    {
        using var scope = NewDisposeScope();
        var halves = net.forward(x).chunk(2, 1);
        return (halves[0].MoveToOuterDisposeScope(), halves[1].MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Reparameterised sample z = mu + sigma * eps with eps ~ N(0, I) drawn on the CPU from
    /// <paramref name="generator"/> (the same numbers on any device), so gradients reach mu and sigma.
    /// </summary>
    public static Tensor Reparameterise(Tensor mean, Tensor logStd, Generator generator)
    {
        using var scope = NewDisposeScope();
        var noise = randn(mean.shape, dtype: mean.dtype, generator: generator).to(mean.device);
        return (mean + logStd.exp() * noise).MoveToOuterDisposeScope();
    }

    /// <summary>log N(z; mu, diag(sigma^2)) summed over the M dimensions: [batch].</summary>
    public static Tensor LogProb(Tensor z, Tensor mean, Tensor logStd)
    {
        using var scope = NewDisposeScope();
        var standardized = (z - mean) * (-logStd).exp();
        return (-0.5 * standardized.pow(2) - logStd - 0.5 * LogTwoPi).sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>log N(z; 0, I) summed over the M dimensions: [batch].</summary>
    public static Tensor LogStandardNormal(Tensor z)
    {
        using var scope = NewDisposeScope();
        return (-0.5 * z.pow(2) - 0.5 * LogTwoPi).sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// KL(N(mu, diag(sigma^2)) || N(0, I)) = 1/2 sum_i (mu_i^2 + sigma_i^2 - 1 - 2 log sigma_i) (Kingma and Welling 2014,
    /// appendix B): what td.kl_divergence gives for the exercise's Gaussian prior. [batch].
    /// </summary>
    public static Tensor KlToStandardNormal(Tensor mean, Tensor logStd)
    {
        using var scope = NewDisposeScope();
        return (0.5 * (mean.pow(2) + (2 * logStd).exp() - 1 - 2 * logStd)).sum(-1).MoveToOuterDisposeScope();
    }
}
