using FlowLive.Flows.Bases;
using FlowLive.Tests.Support;
using FlowLive.Vae;
using TorchSharp;
using static TorchSharp.torch;
using static FlowLive.Tests.Vae.VaeTestSupport;

namespace FlowLive.Tests.Vae;

/// <summary>The Bernoulli VAE of exercise 2.6: shapes, bounds against an exact log p(x), priors as densities, training, seeds, leaks.</summary>
public sealed class BernoulliVaeTests
{
    public static TheoryData<string> Priors() => new(PriorNames);

    [Theory, MemberData(nameof(Priors))]
    public void Every_method_returns_the_documented_shapes_and_values(string prior)
    {
        using var vae = Create(prior);
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        var x = TwoPrototypes(5, 16, seed: 1);

        Assert.Equal([5L], vae.Loss(x, g).shape);
        var (reconstruction, kl) = vae.ElboTerms(x, g);
        Assert.Equal([5L], reconstruction.shape);
        Assert.Equal([5L], kl.shape);
        Assert.True(reconstruction.le(0).all().ToBoolean(), "log p(x | z) of binary data is at most 0");
        Assert.Equal([5L], vae.ImportanceWeightedLogLikelihood(x, 7, g).shape);
        // Images may come as [N, 1, 4, 4]: 16 pixels each.
        Assert.Equal([5L], vae.Loss(x.reshape(5, 1, 4, 4), g).shape);

        var probabilities = vae.SampleProbabilities(6, g);
        Assert.Equal([6L, 16], probabilities.shape);
        Assert.True(probabilities.gt(0).all().ToBoolean() && probabilities.lt(1).all().ToBoolean(), "probabilities outside (0, 1)");
        var images = vae.Sample(6, g);
        Assert.Equal([6L, 16], images.shape);
        Assert.True(images.eq(0).logical_or(images.eq(1)).all().ToBoolean(), "samples are not binary");

        Assert.Equal([5L, 2], vae.PosteriorMeans(x, batchSize: 2).shape);
        Assert.Equal([5L, 2], vae.PosteriorSamples(x, g, batchSize: 2).shape);
        Assert.Equal([9L, 2], vae.PriorSamples(9, g).shape);
        Assert.True(double.IsFinite(vae.Evaluate(x, g, batchSize: 2)));
    }

    [Fact]
    public void The_architecture_defaults_are_those_of_the_exercise()
    {
        using var generator = new Generator(0);
        var spec = new VaeSpec { Prior = LatentPriors.Gaussian(32) };
        Assert.Equal((784, 32, 512, 2), (spec.DataDimension, spec.LatentDimension, spec.Hidden, spec.HiddenLayers));
        using var vae = BernoulliVae.Create(spec, generator);
        // Encoder 784*512+512 + 512*512+512 + 512*64+64, decoder 32*512+512 + 512*512+512 + 512*784+784; N(0, I) has none.
        long expected = (784L * 512 + 512 + 512 * 512 + 512 + 512 * 64 + 64) + (32L * 512 + 512 + 512 * 512 + 512 + 512 * 784 + 784);
        Assert.Equal(expected, vae.Parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void The_same_seeds_give_the_same_numbers_and_other_seeds_do_not()
    {
        using var a = Create("mog", seed: 4);
        using var b = Create("mog", seed: 4);
        using var c = Create("mog", seed: 5);
        using var scope = NewDisposeScope();
        var x = TwoPrototypes(8, 16, seed: 2);
        Tensor Loss(BernoulliVae vae, ulong seed) { using var g = new Generator(seed); return vae.Loss(x, g); }

        Numeric.AssertBitIdentical(Loss(a, 7), Loss(b, 7), "same weights seed, same noise seed");
        Assert.True(Numeric.MaxAbsDiff(Loss(a, 7), Loss(c, 7)) > 1e-4, "another weights seed gave the same loss");
        Assert.True(Numeric.MaxAbsDiff(Loss(a, 7), Loss(a, 8)) > 1e-4, "another noise seed gave the same loss");
        double Evaluate(BernoulliVae vae) { using var g = new Generator(11); return vae.Evaluate(x, g, batchSize: 3); }
        Assert.Equal(Evaluate(a), Evaluate(b));
        using var g1 = new Generator(9);
        using var g2 = new Generator(9);
        Numeric.AssertBitIdentical(a.Sample(4, g1), b.Sample(4, g2), "samples");
    }

    /// <summary>
    /// With M = 2 and 4 pixels, log p(x) = log integral p(x | z) p(z) dz is computed on a fine grid, exactly enough to test
    /// the bounds: the probabilities of all 16 images add to 1, the mean ELBO lies below log p(x), and the importance-
    /// weighted bound lies between the two and approaches log p(x) for large K.
    /// </summary>
    [Theory, MemberData(nameof(Priors))]
    public void Elbo_and_importance_weighted_bound_lie_below_the_exact_log_likelihood(string prior)
    {
        using var vae = Create(prior, seed: 2, data: 4, hidden: 8);
        Perturb(vae.Encoder, seed: 6, scale: 0.2);
        if (prior == "flow") Perturb(vae.Prior.Module, seed: 7, scale: 0.2);
        vae.Module.to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var all = stack(Enumerable.Range(0, 16).Select(i => tensor(new double[] { i & 1, (i >> 1) & 1, (i >> 2) & 1, (i >> 3) & 1 })));

        var (z, cell) = Grid(extent: 9, perAxis: 360, ScalarType.Float64);
        var logPrior = vae.Prior.LogProb(z);
        var logits = vae.Decoder.Logits(z);
        var exact = stack(Enumerable.Range(0, 16).Select(i =>
            (BernoulliDecoder.LogProb(all[i].unsqueeze(0), logits) + logPrior).logsumexp(0) + Math.Log(cell)));
        Assert.Equal(1.0, exact.exp().sum().ToDouble(), 3);

        using var g = new Generator(12);
        const int draws = 4000;
        var repeated = all.repeat_interleave(draws, 0);
        var elbo = vae.Elbo(repeated, g).reshape(16, draws);
        var elboMean = elbo.mean([1]);
        var elboError = elbo.std(1) / Math.Sqrt(draws);
        // The K = 2000 bound is itself a random estimate: average 10 independent ones and use their standard error.
        const int replicates = 10;
        var iwae = vae.ImportanceWeightedLogLikelihood(all.repeat(replicates, 1), 2000, g).reshape(replicates, 16);
        var iwaeMean = iwae.mean([0]);
        var iwaeError = iwae.std(0) / Math.Sqrt(replicates);
        for (int i = 0; i < 16; i++)
        {
            double logP = exact[i].ToDouble(), lower = elboMean[i].ToDouble(), bound = iwaeMean[i].ToDouble();
            double lowerError = elboError[i].ToDouble(), boundError = iwaeError[i].ToDouble();
            Assert.True(lower <= logP + 3 * lowerError, $"image {i}: mean ELBO {lower:F4} above log p(x) {logP:F4}");
            Assert.True(bound <= logP + 3 * boundError + 1e-3, $"image {i}: IWAE {bound:F4} above log p(x) {logP:F4}");
            Assert.True(bound >= lower, $"image {i}: IWAE {bound:F4} below the mean ELBO {lower:F4}");
            Assert.True(logP - bound <= 0.25 * (logP - lower) + 3 * boundError,
                $"image {i}: IWAE with K = 2000 ({bound:F4}) should close most of the gap between the ELBO ({lower:F4}) and log p(x) ({logP:F4})");
        }
        Assert.True((exact - elboMean).mean().ToDouble() > 0.01, "the ELBO should be visibly looser than log p(x) here");
    }

    [Fact]
    public void The_gaussian_prior_uses_the_closed_form_kl_which_matches_its_monte_carlo_estimate()
    {
        // By hand in one dimension: mu = 1, sigma = 2 gives (1 + 4 - 1 - 2 ln 2) / 2.
        using var scope = NewDisposeScope();
        var closed = GaussianEncoder.KlToStandardNormal(tensor(new[,] { { 1.0, 0.0 } }), tensor(new[,] { { Math.Log(2), 0.0 } }));
        Assert.Equal(2 - Math.Log(2), closed.ToDouble(), 12);

        using var vae = Create("gaussian", seed: 3);
        Perturb(vae.Encoder, seed: 8, scale: 0.4);
        var x = TwoPrototypes(4, 16, seed: 3);
        using var g = new Generator(1);
        var (mean, logStd) = vae.Encoder.Encode(x);
        var (_, kl) = vae.ElboTerms(x, g);
        Numeric.AssertClose(GaussianEncoder.KlToStandardNormal(mean, logStd), kl, 1e-6, "the VAE's KL term");

        // Monte Carlo: E_q[log q(z) - log N(z; 0, I)] over 50000 draws per image.
        const int draws = 50_000;
        var means = mean.repeat_interleave(draws, 0);
        var logStds = logStd.repeat_interleave(draws, 0);
        var z = GaussianEncoder.Reparameterise(means, logStds, g);
        using var normal = new StandardNormal(FlowLive.Flows.Shape.Vector(2));
        var estimate = (GaussianEncoder.LogProb(z, means, logStds) - normal.LogProb(z)).reshape(4, draws).mean([1]);
        Numeric.AssertClose(kl.detach(), estimate, 0.02, "closed-form KL against its Monte Carlo estimate");
    }

    [Theory]
    [InlineData("mog")]
    [InlineData("flow")]
    public void Non_gaussian_priors_estimate_only_where_the_prior_differs_from_a_standard_normal(string prior)
    {
        using var vae = Create(prior, seed: 5);
        Perturb(vae.Prior.Module, seed: 9, scale: 0.3);
        using var scope = NewDisposeScope();
        var x = TwoPrototypes(6, 16, seed: 4);
        using var g1 = new Generator(21);
        var (_, kl) = vae.ElboTerms(x, g1);

        // KL(q || N(0, I)) in closed form plus log N(z; 0, I) - log p(z) at the sampled z.
        using var g2 = new Generator(21);
        var (mean, logStd) = vae.Encoder.Encode(x);
        var z = GaussianEncoder.Reparameterise(mean, logStd, g2);
        var expected = GaussianEncoder.KlToStandardNormal(mean, logStd) + GaussianEncoder.LogStandardNormal(z) - vae.Prior.LogProb(z);
        Numeric.AssertClose(expected, kl, 1e-5, "KL term");

        // The same mean as the exercise's log q(z | x) - log p(z), and as the importance-weighted bound at K = 1.
        const int draws = 20_000;
        var many = x.repeat_interleave(draws, 0);
        using var g3 = new Generator(22);
        using var g4 = new Generator(23);
        var ours = (-vae.Elbo(many, g3)).reshape(6, draws).mean([1]);
        var exercise = (-vae.ImportanceWeightedLogLikelihood(many, 1, g4)).reshape(6, draws).mean([1]);
        Numeric.AssertClose(exercise.detach(), ours.detach(), 0.15, "-ELBO against the exercise's Monte Carlo form");
    }

    [Fact]
    public void A_flow_prior_that_is_still_the_identity_has_the_gaussians_exact_kl()
    {
        using var vae = Create("flow", seed: 5); // zero-started couplings: p(z) = N(0, I) exactly
        Perturb(vae.Encoder, seed: 8, scale: 0.4);
        using var scope = NewDisposeScope();
        var x = TwoPrototypes(4, 16, seed: 3);
        using var g = new Generator(1);
        var (_, kl) = vae.ElboTerms(x, g);
        var (mean, logStd) = vae.Encoder.Encode(x);
        Numeric.AssertClose(GaussianEncoder.KlToStandardNormal(mean, logStd), kl, 1e-5, "no Monte Carlo noise while p is N(0, I)");
    }

    [Theory]
    [InlineData("mog")]
    [InlineData("flow")]
    public void Learnable_priors_are_densities_on_the_latent_plane(string prior)
    {
        using var vae = Create(prior, seed: 6);
        Perturb(vae.Prior.Module, seed: 10, scale: 0.2);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        vae.Module.to(ScalarType.Float64);
        var (z, cell) = Grid(extent: 12, perAxis: 600, ScalarType.Float64);
        double mass = vae.Prior.LogProb(z).exp().sum().ToDouble() * cell;
        Assert.Equal(1.0, mass, 3);
    }

    [Theory, MemberData(nameof(Priors))]
    public void A_few_adam_steps_lower_the_negative_elbo(string prior)
    {
        using var vae = Create(prior, seed: 7);
        using var data = TwoPrototypes(64, 16, seed: 5);
        double Evaluate() { using var g = new Generator(99); return vae.Evaluate(data, g); }
        double before = Evaluate();
        vae.Train(true);
        Fit(vae.Parameters(), vae.Loss, data, steps: 60, learningRate: 1e-2, seed: 13);
        vae.Train(false);
        double after = Evaluate();
        Assert.True(after < before - 1.0, $"-ELBO went from {before:F3} to {after:F3} nats");
    }

    [Fact]
    public void Training_changes_every_part_of_the_mixture_prior()
    {
        using var vae = Create("mog", seed: 8);
        var before = vae.Prior.Module.parameters().Select(p => p.detach().clone()).ToList();
        using var data = TwoPrototypes(32, 16, seed: 6);
        Fit(vae.Parameters(), vae.Loss, data, steps: 5, learningRate: 1e-2, seed: 14);
        var after = vae.Prior.Module.parameters().ToList();
        Assert.Equal(3, after.Count); // means, log-scales, logits
        for (int i = 0; i < after.Count; i++)
            Assert.True(Numeric.MaxAbsDiff(before[i], after[i].detach()) > 0, $"prior parameter {i} did not move");
        foreach (var t in before) t.Dispose();
    }

    [Theory, MemberData(nameof(Priors))]
    public void No_method_leaks_tensors(string prior)
    {
        using var vae = Create(prior, seed: 9);
        using var x = TwoPrototypes(10, 16, seed: 7);
        using var g = new Generator(1);
        LiveTensors.AssertNoLeak(() =>
        {
            vae.Loss(x, g).Dispose();
            var (r, k) = vae.ElboTerms(x, g);
            r.Dispose();
            k.Dispose();
            vae.ImportanceWeightedLogLikelihood(x, 5, g).Dispose();
            vae.Evaluate(x, g, batchSize: 4);
            vae.EvaluateImportanceWeighted(x, 5, g, batchSize: 4);
            vae.Sample(3, g).Dispose();
            vae.SampleProbabilities(3, g).Dispose();
            vae.PriorSamples(3, g).Dispose();
            vae.PosteriorMeans(x, batchSize: 4).Dispose();
            vae.PosteriorSamples(x, g, batchSize: 4).Dispose();
        }, $"BernoulliVae ({prior})");
    }

    [Fact]
    public void Bad_input_is_refused_with_a_message_naming_what_is_wrong()
    {
        using var vae = Create("gaussian");
        using var g = new Generator(1);
        using var wrongSize = zeros(3, 15);
        Assert.Contains("16 pixels per image", Assert.Throws<ArgumentException>(() => vae.Loss(wrongSize, g)).Message);
        using var bytes = zeros(3, 16, dtype: ScalarType.Byte);
        Assert.Contains("BinarizedImages", Assert.Throws<ArgumentException>(() => vae.Loss(bytes, g)).Message);
        var mismatched = Spec("gaussian") with { Prior = LatentPriors.Gaussian(3) };
        Assert.Contains("latent space is [2]", Assert.Throws<ArgumentException>(() => BernoulliVae.Create(mismatched, g)).Message);
        Assert.Contains("LatentDimension", Assert.Throws<ArgumentException>(() => BernoulliVae.Create(Spec("gaussian") with { LatentDimension = 0 }, g)).Message);
        Assert.Contains("no inverse", Assert.Throws<ArgumentException>(() => LatentPriors.Flow(2, "planar")).Message);
    }
}
