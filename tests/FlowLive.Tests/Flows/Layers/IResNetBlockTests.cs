using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class IResNetBlockTests(ITestOutputHelper output)
{
    static IResNetBlockSpec Spec(int d, int terms = 10, int probes = 1) => new()
    {
        Shape = Shape.Vector(d),
        Net = new SubnetSpec { Hidden = 16, Depth = 2, Activation = Activation.Elu },
        SeriesTerms = terms,
        Probes = probes,
    };

    /// <summary>A float64 block with seeded random weights (replacing the initial ones) and converged spectral norm estimates, in evaluation mode.</summary>
    static IResNetBlock Perturbed(IResNetBlockSpec spec, int seed, double scale = 0.5)
    {
        var layer = (IResNetBlock)spec.Build();
        layer.to(float64);
        using var generator = new Generator((ulong)seed);
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            foreach (var p in layer.parameters()) p.copy_(randn(p.shape, dtype: float64, generator: generator) * scale);
            // Every training-mode call refines the spectral norm estimates by a few power iterations.
            layer.train(true);
            var z = randn([8, spec.Shape[0]], dtype: float64, generator: generator);
            for (int i = 0; i < 20; i++) layer.Forward(z);
        }
        layer.train(false);
        return layer;
    }

    [Fact]
    public void A_new_block_is_the_identity_with_zero_log_det()
    {
        using var layer = (IResNetBlock)Spec(3).Build();
        layer.to(float64);
        layer.train(false);
        using var scope = NewDisposeScope();
        var z = randn(5, 3, dtype: float64);
        var (x, logDet) = layer.Forward(z);
        Numeric.AssertBitIdentical(z, x, "Forward at initialisation");
        Numeric.AssertClose(zeros(5, dtype: float64), logDet, 0, "log-det at initialisation");
        Numeric.AssertBitIdentical(z, layer.Inverse(z).z, "Inverse at initialisation");
    }

    [Fact]
    public void Rejects_images_naming_the_shapes()
    {
        var e = Assert.Throws<FlowShapeException>(() => new IResNetBlockSpec { Shape = Shape.Image(2, 3, 3) }.Build());
        Assert.Contains("[D]", e.Message);
        Assert.Contains("[2, 3, 3]", e.Message);
    }

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Gelu)]
    public void Rejects_activations_that_are_not_smooth_and_1_Lipschitz(Activation activation)
    {
        var e = Assert.Throws<ArgumentException>(() => (Spec(2) with { Net = new SubnetSpec { Activation = activation } }).Build());
        Assert.Contains(activation.ToString(), e.Message);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void Rejects_a_coefficient_outside_0_1(double coefficient)
    {
        var e = Assert.Throws<ArgumentException>(() => (Spec(2) with { Coefficient = coefficient }).Build());
        Assert.Contains("Coefficient", e.Message);
    }

    [Fact]
    public void The_Lipschitz_bound_holds_after_training_steps()
    {
        var spec = Spec(2) with { Coefficient = 0.7 };
        using var layer = Perturbed(spec, seed: 4, scale: 0.3);
        layer.train(true);
        // Asks for x = 3 z, i.e. Lip(g) = 2: far beyond c, so the normalisation must hold the weights back.
        using var optimizer = optim.Adam(layer.parameters(), lr: 0.05);
        using var generator = new Generator(5);
        for (int step = 0; step < 100; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var z = randn([64, 2], dtype: float64, generator: generator);
            var (x, logDet) = layer.Forward(z);
            var loss = (x - 3 * z).square().mean() - 0.01 * logDet.mean();
            loss.backward();
            optimizer.step();
        }
        layer.train(false);

        var linears = layer.modules().OfType<SpectralLinear>().ToList();
        Assert.Equal(3, linears.Count);
        Assert.Contains(linears, l => l.RawSpectralNorm() > 2 * spec.Coefficient); // the constraint is active
        foreach (var linear in linears)
        {
            // Power iteration can only under-estimate ||W||_2. Under this much pressure the optimizer pushes the top
            // singular values together, where 5 iterations per call converge slowly: we measured layers up to 6%
            // over c (so the per-layer norm is reported, not asserted). With the estimate converged from the stored
            // u the normalisation is exact; the worst case after n more iterations is about 1 / (8 e n) relative.
            double norm = linear.SpectralNorm(spec.Coefficient, spec.PowerIterations);
            double converged = linear.SpectralNorm(spec.Coefficient, 500);
            output.WriteLine($"raw spectral norm {linear.RawSpectralNorm():F4}, normalised {norm:F6}, with 500 iterations {converged:F6}");
            Assert.True(converged <= spec.Coefficient * (1 + 1e-3), $"with a converged estimate a layer has spectral norm {converged} > c = {spec.Coefficient}");
        }
        // What invertibility needs: Lip(g) <= the product of the layers' norms <= c, with margin to spare for the
        // estimate's error because g has three layers (c^3 = 0.34).
        double bound = layer.LipschitzBound();
        Assert.True(bound <= spec.Coefficient, $"Lip(g) <= {bound} is above c = {spec.Coefficient}");

        // Empirically: |g(a) - g(b)| <= bound |a - b| on random pairs.
        using var scope2 = NewDisposeScope();
        using var _ = no_grad();
        var a = randn([256, 2], dtype: float64, generator: generator) * 2;
        var b = a + randn([256, 2], dtype: float64, generator: generator) * 0.1;
        var ga = layer.Forward(a).x - a;
        var gb = layer.Forward(b).x - b;
        var ratio = ((ga - gb).square().sum(1).sqrt() / (a - b).square().sum(1).sqrt()).max().ToDouble();
        output.WriteLine($"Lipschitz bound {bound:F4}, largest observed ratio {ratio:F4}");
        Assert.True(ratio <= bound + 1e-12, $"observed |g(a) - g(b)| / |a - b| = {ratio} > bound {bound}");
    }

    [Fact]
    public void The_fixed_point_inverse_converges_within_the_stated_tolerance()
    {
        var spec = Spec(3);
        using var layer = Perturbed(spec, seed: 11, scale: 2.0);
        double lipschitz = layer.LipschitzBound();
        Assert.True(lipschitz > 0.5, $"the test wants a strongly non-linear block, Lip(g) <= {lipschitz}");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = randn([32, 3], dtype: float64, generator: new Generator(3)) * 2;
        var x = layer.Forward(z).x;
        var back = layer.Inverse(x).z;
        // Stopping at a step <= Tolerance leaves an error <= Tolerance Lip / (1 - Lip).
        double bound = spec.Tolerance * lipschitz / (1 - lipschitz) + 1e-13;
        double error = Numeric.MaxAbsDiff(z, back);
        output.WriteLine($"Lip(g) <= {lipschitz:F4}; round-trip error {error:E2}, bound {bound:E2}");
        Assert.True(error <= bound, $"round-trip error {error:E2} exceeds Tolerance Lip / (1 - Lip) = {bound:E2}");
    }

    [Fact]
    public void The_fixed_point_inverse_works_in_float32()
    {
        using var layer = Perturbed(Spec(3), seed: 12, scale: 2.0);
        layer.to(float32);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = randn([32, 3], generator: new Generator(4)) * 2;
        Numeric.AssertClose(z, layer.Inverse(layer.Forward(z).x).z, 1e-4, "float32 round trip");
    }

    [Fact]
    public void An_inverse_that_does_not_converge_throws_a_clear_exception()
    {
        using var layer = Perturbed(Spec(3) with { MaxIterations = 2 }, seed: 13, scale: 2.0);
        using var scope = NewDisposeScope();
        var x = randn([4, 3], dtype: float64, generator: new Generator(5)) * 3;
        var e = Assert.Throws<FixedPointNotConvergedException>(() => layer.Inverse(x));
        Assert.Contains("did not converge in 2 iterations", e.Message);
        Assert.Contains("Lip(g)", e.Message);
    }

    [Fact]
    public void The_exact_log_det_matches_slogdet_of_the_autograd_jacobian()
    {
        using var layer = Perturbed(Spec(3), seed: 14, scale: 1.0);
        using var scope = NewDisposeScope();
        var z = randn([3, 3], dtype: float64, generator: new Generator(6));
        var exact = layer.ExactLogDet(z);
        for (long i = 0; i < 3; i++)
        {
            var jacobian = autograd.functional.jacobian(v => layer.Forward(v.unsqueeze(0)).x.flatten(), z[i].detach());
            var expected = linalg.slogdet(jacobian).Item2;
            Numeric.AssertClose(expected, exact[i], 1e-10, $"exact log-det of sample {i}");
        }
    }

    /// <summary>
    /// How close the estimate is to the exact log-det, averaged over samples (512; 32 with 4096 probes), for blocks
    /// whose every layer is at the spectral norm limit (Lip(g) &lt;= 0.9^3 = 0.729), a harder case than the contract's.
    /// Measured |estimate - exact| (seeds fixed; the tolerances are about twice these):
    ///   D=2: 20 terms, 4096 probes (the contract's setting): mean 4.6e-4, max 1.6e-3; 256 probes: mean 1.7e-3,
    ///        max 1.1e-2; the defaults (10 terms, 1 probe): mean 3.5e-2, max 6.6e-2.
    ///   D=3: 4096 probes: mean 2.3e-3, max 5.9e-3; 256 probes: mean 7.8e-3, max 3.0e-2; defaults: mean 0.12, max 0.29.
    /// The error falls as 1/sqrt(probes); its mean over samples (the bias: truncation only) is far below its spread.
    /// </summary>
    [Theory]
    [InlineData(2, 20, 4096, 1e-3, 4e-3)]
    [InlineData(3, 20, 4096, 5e-3, 1.5e-2)]
    [InlineData(2, 20, 256, 4e-3, 2.5e-2)]
    [InlineData(3, 20, 256, 1.5e-2, 6e-2)]
    [InlineData(2, 10, 1, 7e-2, 0.15)]
    [InlineData(3, 10, 1, 0.25, 0.6)]
    public void The_Hutchinson_estimate_is_close_to_the_exact_log_det(int d, int terms, int probes, double meanTolerance, double maxTolerance)
    {
        using var layer = Perturbed(Spec(d, terms, probes), seed: 20 + d);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int samples = probes > 1000 ? 32 : 512; // keeps every case near 100k probe rows
        var z = randn([samples, d], dtype: float64, generator: new Generator(7));
        var error = layer.Forward(z).logDet - layer.ExactLogDet(z);
        double meanAbs = error.abs().mean().ToDouble(), max = error.abs().max().ToDouble(), bias = error.mean().ToDouble();
        output.WriteLine($"D={d}, {terms} terms, {probes} probes, Lip(g) <= {layer.LipschitzBound():F3}: " +
                         $"mean |error| {meanAbs:E2}, max |error| {max:E2}, mean error {bias:E2}");
        Assert.True(meanAbs <= meanTolerance, $"mean |estimate - exact| = {meanAbs:E2} > {meanTolerance:E1}");
        Assert.True(max <= maxTolerance, $"max |estimate - exact| = {max:E2} > {maxTolerance:E1}");
        Assert.True(Math.Abs(bias) <= meanTolerance, $"mean (estimate - exact) = {bias:E2} > {meanTolerance:E1}");
    }

    [Fact]
    public void In_training_fresh_probes_average_to_the_exact_log_det()
    {
        using var layer = Perturbed(Spec(2, terms: 20, probes: 1), seed: 30);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = randn([1, 2], dtype: float64, generator: new Generator(8));
        double exact = layer.ExactLogDet(z).ToDouble();
        layer.train(true);
        var estimates = Enumerable.Range(0, 2000).Select(_ => layer.Forward(z).logDet.ToDouble()).ToArray();
        double mean = estimates.Average();
        double spread = Math.Sqrt(estimates.Select(e => (e - mean) * (e - mean)).Average());
        output.WriteLine($"exact {exact:F5}, mean of 2000 single-probe estimates {mean:F5}, spread {spread:E2}");
        Assert.True(spread > 0, "training mode should draw fresh probes every call");
        // Unbiased but for the truncation after n = 20 terms, which is at most D sum_{k>n} Lip^k / k.
        double lipschitz = layer.LipschitzBound();
        double truncation = 2 * Enumerable.Range(21, 500).Sum(k => Math.Pow(lipschitz, k) / k);
        Assert.True(Math.Abs(mean - exact) <= 5 * spread / Math.Sqrt(estimates.Length) + truncation,
            $"mean estimate {mean} is more than 5 standard errors (+ truncation {truncation:E1}) from the exact {exact}");
    }

    [Fact]
    public void Evaluation_is_reproducible_and_a_sample_s_estimate_does_not_depend_on_the_batch_size()
    {
        using var layer = Perturbed(Spec(3, probes: 4), seed: 31);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = randn([6, 3], dtype: float64, generator: new Generator(9));
        var logDet = layer.Forward(z).logDet;
        Numeric.AssertBitIdentical(logDet, layer.Forward(z).logDet, "the same call twice");
        Numeric.AssertClose(logDet.narrow(0, 0, 2), layer.Forward(z.narrow(0, 0, 2)).logDet, 1e-12, "the first two samples alone");
        Numeric.AssertClose(-logDet, layer.Inverse(layer.Forward(z).x).logDet, 1e-7, "inverse log-det");
    }

    [Fact]
    public void Maximum_likelihood_gradients_reach_every_weight_through_the_inverse()
    {
        using var layer = Perturbed(Spec(2), seed: 32);
        layer.train(true);
        using var scope = NewDisposeScope();
        var x = randn([16, 2], dtype: float64, generator: new Generator(10));
        var (z, logDet) = layer.Inverse(x);
        var nll = (0.5 * z.square().sum(1) - logDet).mean();
        nll.backward();
        foreach (var (name, p) in layer.named_parameters())
        {
            Assert.True(p.grad is not null && p.grad.abs().sum().ToDouble() > 0, $"{name} got no gradient");
            Numeric.AssertFinite(p.grad!, name);
        }
    }
}
