using FlowLive.Flows;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Vae;

/// <summary>
/// A VAE for binary images (DTU 02460 exercise 2.6; Kingma and Welling 2014): q(z | x) a diagonal Gaussian
/// (<see cref="GaussianEncoder"/>), p(x | z) independent Bernoulli pixels (<see cref="BernoulliDecoder"/>), p(z) a
/// FlowLive flow over the latent space (<see cref="LatentPriors"/>: Gaussian, mixture of Gaussians or a flow).
///
/// ELBO(x) = E_q[log p(x | z)] - KL(q(z | x) || p(z)), estimated with one reparameterised sample z = mu + sigma eps:
/// log p(x | z) - KL in closed form for the N(0, I) prior (as the exercise's td.kl_divergence). The other priors have
/// no closed form; their KL is written KL(q || N(0, I)) + E_q[log N(z; 0, I) - log p(z)], the first term exact and
/// only the second estimated at z. It has the mean of the exercise's log q(z | x) - log p(z), but its noise comes only
/// from where p differs from N(0, I) (a control variate): a flow prior starts as N(0, I) and a noisy KL gradient
/// would make it train worse than the Gaussian it can represent. The training loss is
/// -ELBO per image in nats. Every random number comes from a caller's <see cref="Generator"/>; public methods that
/// return tensors own a dispose scope and move only their results out.
/// </summary>
public sealed class BernoulliVae : IDisposable
{
    readonly VaeModule module;

    BernoulliVae(VaeSpec spec, VaeModule module)
    {
        Spec = spec;
        this.module = module;
    }

    /// <summary>
    /// Builds <paramref name="spec"/> with every initial weight drawn from <paramref name="generator"/> (PyTorch's default
    /// initialisation; zero-started conditioner layers of a flow prior stay zero), so a seed gives one model.
    /// </summary>
    public static BernoulliVae Create(VaeSpec spec, Generator generator)
    {
        spec.Validate();
        var prior = spec.Prior.Build();
        if (prior.DataShape != Shape.Vector(spec.LatentDimension))
        {
            prior.Dispose();
            throw new ArgumentException($"VaeSpec.Prior models shape {prior.DataShape}, but the latent space is [{spec.LatentDimension}]");
        }
        var module = new VaeModule(
            new GaussianEncoder(spec.DataDimension, spec.LatentDimension, spec.Hidden, spec.HiddenLayers),
            new BernoulliDecoder(spec.LatentDimension, spec.DataDimension, spec.Hidden, spec.HiddenLayers),
            prior);
        FlowLive.Training.WeightInitialisation.Apply(module, generator);
        return new BernoulliVae(spec, module);
    }

    public VaeSpec Spec { get; }
    public GaussianEncoder Encoder => module.Encoder;
    public BernoulliDecoder Decoder => module.Decoder;
    public Flow Prior => module.Prior;
    public int DataDimension => Spec.DataDimension;
    public int LatentDimension => Spec.LatentDimension;

    /// <summary>Every weight (encoder, decoder, prior): for optimizers, checkpoints and device moves.</summary>
    public nn.Module Module => module;

    public IEnumerable<Parameter> Parameters() => module.parameters().Where(p => p.requires_grad);

    public void Train(bool on) => module.train(on);

    /// <summary>The quantity training minimises: -ELBO(x) per image, in nats, [batch].</summary>
    public Tensor Loss(Tensor batch, Generator generator)
    {
        using var scope = NewDisposeScope();
        return (-Elbo(batch, generator)).MoveToOuterDisposeScope();
    }

    /// <summary>One-sample ELBO per image, [batch], for binary images [batch, D] (or any shape of D values per image).</summary>
    public Tensor Elbo(Tensor x, Generator generator)
    {
        using var scope = NewDisposeScope();
        var (reconstruction, kl) = ElboTerms(x, generator);
        return (reconstruction - kl).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The two terms of the ELBO, each [batch]: log p(x | z) at one reparameterised z ~ q(z | x), and the KL term
    /// (closed form for the N(0, I) prior, otherwise KL(q || N(0, I)) + log N(z; 0, I) - log p(z) at the same z).
    /// </summary>
    public (Tensor reconstruction, Tensor kl) ElboTerms(Tensor x, Generator generator)
    {
        using var scope = NewDisposeScope();
        var flat = Flatten(x, nameof(ElboTerms));
        var (mean, logStd) = Encoder.Encode(flat);
        var z = GaussianEncoder.Reparameterise(mean, logStd, generator);
        var reconstruction = BernoulliDecoder.LogProb(flat, Decoder.Logits(z));
        var kl = LatentPriors.IsStandardGaussian(Prior)
            ? GaussianEncoder.KlToStandardNormal(mean, logStd)
            : GaussianEncoder.KlToStandardNormal(mean, logStd) + GaussianEncoder.LogStandardNormal(z) - Prior.LogProb(z);
        return (reconstruction.MoveToOuterDisposeScope(), kl.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The importance-weighted bound (Burda et al. 2016, eq. 8) per image, [batch]:
    /// log (1/K) sum_k p(x | z_k) p(z_k) / q(z_k | x) with z_k ~ q(z | x). It is at most log p(x), at least the ELBO in
    /// expectation, and tightens as K grows; K = 1 is the Monte Carlo ELBO.
    /// </summary>
    public Tensor ImportanceWeightedLogLikelihood(Tensor x, int samples, Generator generator)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "the importance-weighted bound needs at least 1 sample");
        using var scope = NewDisposeScope();
        var flat = Flatten(x, nameof(ImportanceWeightedLogLikelihood));
        long batch = flat.shape[0];
        var (mean, logStd) = Encoder.Encode(flat);
        // [K, batch, M] flattened to [K * batch, M]: one pass of the decoder and the prior over every sample.
        var means = mean.unsqueeze(0).expand(samples, batch, LatentDimension).reshape(-1, LatentDimension);
        var logStds = logStd.unsqueeze(0).expand(samples, batch, LatentDimension).reshape(-1, LatentDimension);
        var z = GaussianEncoder.Reparameterise(means, logStds, generator);
        var images = flat.unsqueeze(0).expand(samples, batch, DataDimension).reshape(-1, DataDimension);
        var logWeights = BernoulliDecoder.LogProb(images, Decoder.Logits(z)) + Prior.LogProb(z) - GaussianEncoder.LogProb(z, means, logStds);
        var bound = logWeights.reshape(samples, batch).logsumexp(0) - Math.Log(samples);
        return bound.MoveToOuterDisposeScope();
    }

    /// <summary>Mean -ELBO per image (nats) of <paramref name="data"/> in batches, in evaluation mode without gradients; a seed gives one number.</summary>
    public double Evaluate(Tensor data, Generator generator, int batchSize = 1024) =>
        MeanOverBatches(data, batchSize, batch => -Elbo(batch, generator));

    /// <summary>Mean -log p(x) bound per image (nats) from <see cref="ImportanceWeightedLogLikelihood"/> with K samples; tighter than <see cref="Evaluate"/>.</summary>
    public double EvaluateImportanceWeighted(Tensor data, int samples, Generator generator, int batchSize = 100) =>
        MeanOverBatches(data, batchSize, batch => -ImportanceWeightedLogLikelihood(batch, samples, generator));

    /// <summary>Pixel probabilities sigmoid(l(z)) [count, D] of z ~ p(z): what the generative model would draw, as grey levels.</summary>
    public Tensor SampleProbabilities(long count, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return Decoder.Logits(PriorSamples(count, generator)).sigmoid().MoveToOuterDisposeScope();
    }

    /// <summary>Binary images [count, D] from the generative model: z ~ p(z), then x ~ p(x | z) (the exercise's VAE.sample).</summary>
    public Tensor Sample(long count, Generator generator)
    {
        using var scope = NewDisposeScope();
        var probabilities = SampleProbabilities(count, generator);
        var uniform = rand(probabilities.shape, dtype: float64, generator: generator).to(probabilities.device);
        return uniform.lt(probabilities.to(float64)).to(probabilities.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>z ~ p(z), [count, M]; the flow's seed is drawn from <paramref name="generator"/>.</summary>
    public Tensor PriorSamples(long count, Generator generator)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "sample count must be positive");
        using var seed = randint(0, int.MaxValue, [1], generator: generator);
        return Prior.Sample(count, seed: seed.item<long>());
    }

    /// <summary>Posterior means mu(x) [N, M] of every image, for latent scatter plots (no gradients).</summary>
    public Tensor PosteriorMeans(Tensor data, int batchSize = 1024) =>
        OverBatches(data, batchSize, batch => Encoder.Encode(batch).mean);

    /// <summary>One z ~ q(z | x) [N, M] per image (samples of the aggregate posterior), to scatter against <see cref="PriorSamples"/>.</summary>
    public Tensor PosteriorSamples(Tensor data, Generator generator, int batchSize = 1024) =>
        OverBatches(data, batchSize, batch =>
        {
            var (mean, logStd) = Encoder.Encode(batch);
            return GaussianEncoder.Reparameterise(mean, logStd, generator);
        });

    /// <summary>Moves every weight to <paramref name="device"/>.</summary>
    public BernoulliVae To(Device device)
    {
        module.to(device);
        return this;
    }

    public void Dispose() => module.Dispose();

    Tensor Flatten(Tensor x, string method)
    {
        if (x.dim() < 2 || x.shape[1..].Aggregate(1L, (a, b) => a * b) != DataDimension)
            throw new ArgumentException($"BernoulliVae.{method}: expected a batch of {DataDimension} pixels per image, got shape {Shape.Format(x.shape)}");
        if (!x.is_floating_point())
            throw new ArgumentException($"BernoulliVae.{method}: expected binary images as floats 0/1 (see BinarizedImages), got {x.dtype}");
        return x.reshape(x.shape[0], DataDimension);
    }

    double MeanOverBatches(Tensor data, int batchSize, Func<Tensor, Tensor> perImage)
    {
        CheckBatchSize(batchSize);
        long n = data.shape[0];
        if (n == 0) throw new ArgumentException("BernoulliVae: cannot evaluate an empty dataset", nameof(data));
        bool wasTraining = module.training;
        module.train(false);
        try
        {
            using var _ = no_grad();
            double total = 0;
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var batch = data[TensorIndex.Slice(start, Math.Min(n, start + batchSize))];
                total += perImage(batch).sum().to(float64).item<double>();
            }
            return total / n;
        }
        finally
        {
            module.train(wasTraining);
        }
    }

    Tensor OverBatches(Tensor data, int batchSize, Func<Tensor, Tensor> perBatch)
    {
        CheckBatchSize(batchSize);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long n = data.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
            parts.Add(perBatch(Flatten(data[TensorIndex.Slice(start, Math.Min(n, start + batchSize))], "posterior")));
        if (parts.Count == 0) return zeros(0, LatentDimension).MoveToOuterDisposeScope();
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    static void CheckBatchSize(int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive");
    }

    /// <summary>Holds the encoder, the decoder and the prior's weights so TorchSharp sees every parameter.</summary>
    sealed class VaeModule : nn.Module
    {
        public VaeModule(GaussianEncoder encoder, BernoulliDecoder decoder, Flow prior) : base("BernoulliVae")
        {
            Encoder = encoder;
            Decoder = decoder;
            Prior = prior;
            register_module("encoder", encoder);
            register_module("decoder", decoder);
            register_module("prior", prior.Module);
        }

        public GaussianEncoder Encoder { get; }
        public BernoulliDecoder Decoder { get; }
        public Flow Prior { get; }
    }
}
