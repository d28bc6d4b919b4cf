using FlowLive.Flows.Nets;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

[SpecKind("iresnet")]
public sealed record IResNetBlockSpec : LayerSpec
{
    /// <summary>The residual branch g: hidden width, hidden layers and activation (ELU or tanh: must be 1-Lipschitz and smooth).</summary>
    public SubnetSpec Net { get; init; } = new() { Activation = Activation.Elu };
    /// <summary>c in (0, 1): every linear layer of g is normalised to spectral norm &lt;= c, so Lip(g) &lt;= c.</summary>
    public double Coefficient { get; init; } = 0.9;
    /// <summary>
    /// Power iterations per call refining each layer's spectral norm estimate, warm-started from the stored one (at
    /// least 1). Training keeps the refined estimate; evaluation does not, so it stays deterministic. The estimate can
    /// only under-estimate, so a layer may end slightly above c; more iterations tighten it (see <see cref="SpectralLinear"/>).
    /// </summary>
    public int PowerIterations { get; init; } = 5;
    /// <summary>Inverse: stop when max |z_{k+1} - z_k| &lt;= Tolerance (as given in float64; see <see cref="IResNetBlock"/>).</summary>
    public double Tolerance { get; init; } = 1e-9;
    /// <summary>Inverse: give up (and throw) after this many fixed-point iterations.</summary>
    public int MaxIterations { get; init; } = 200;
    /// <summary>Log-det: terms n of the power series sum_{k=1..n} (-1)^{k+1} tr(J^k) / k.</summary>
    public int SeriesTerms { get; init; } = 10;
    /// <summary>Log-det: Hutchinson probe vectors per sample (the estimate's variance falls as 1 / Probes).</summary>
    public int Probes { get; init; } = 1;
    /// <summary>Seed of the probe vectors in evaluation mode, so evaluation is reproducible (training draws fresh ones).</summary>
    public int ProbeSeed { get; init; } = 0;
    public override FlowLayer Build() => new IResNetBlock(this);
}

/// <summary>
/// Invertible residual block (Behrmann et al. 2019), on vectors [D]: x = z + g(z), with g an MLP whose linear layers
/// are spectrally normalised (<see cref="SpectralLinear"/>) to norm &lt;= c &lt; 1 and whose activation is 1-Lipschitz,
/// so Lip(g) &lt;= c^(depth + 1) &lt;= c and the block is invertible (section 2, theorem 1); the norms come from power
/// iteration, which can under-estimate a little, and the extra layers leave room for that. g's last layer starts at
/// zero: a new block is the identity.
/// (The paper puts the residual map on the normalizing side; here, as FlowLive's convention asks, it is the generative
/// Forward, so sampling is explicit and density evaluation iterates.)
///
/// Inverse (algorithm 1): the fixed-point iteration z_0 = x, z_{k+1} = x - g(z_k), a contraction with rate Lip(g).
/// It stops when max |z_{k+1} - z_k| &lt;= Tolerance (default 1e-9), which bounds the error by
/// Tolerance * Lip(g) / (1 - Lip(g)) (9e-9 at c = 0.9); and throws <see cref="FixedPointNotConvergedException"/> after
/// MaxIterations (default 200; 0.9^200 ~ 7e-10) steps. The tolerance applies as given in float64; in float32 it is
/// raised to the rounding floor 64 eps (1 + max |x|) (about 7.6e-6 (1 + max |x|)), below which steps cannot shrink.
/// With autograd on, gradients flow through the unrolled iterations (their error shrinks like Lip(g)^k, as the value's).
///
/// Log-det (section 3): log|det(I + J_g)| = sum_{k&gt;=1} (-1)^{k+1} tr(J_g^k) / k, truncated after
/// SeriesTerms terms (bias at most D sum_{k&gt;n} Lip(g)^k / k) with each trace estimated by Hutchinson's
/// tr(A) = E[v^T A v], Rademacher v, averaged over Probes vectors per sample. v^T J^k is computed by k
/// vector-Jacobian products with autograd, with create_graph whenever autograd is recording (training), so the
/// estimate itself can be differentiated. So <see cref="FlowLayer.HasStochasticLogDet"/>; <see cref="ExactLogDet"/>
/// gives the exact value for small D.
///
/// Probe vectors: training draws them from the global generator, fresh every call, so the estimate and its gradient
/// are unbiased (apart from the truncation) over steps. Evaluation draws them from a new generator seeded with
/// ProbeSeed on every call, so the same input gives the same log-det bit for bit, before and after a model file round
/// trip (the spectral norm estimates are buffers, refined but not written back in evaluation). The probes are drawn as
/// [batch, Probes, D], so those of sample i depend on i but not on the batch size: the first k rows of a batch get
/// the same log-dets as a batch of those k rows alone. The price of reproducibility is that evaluation's error is
/// the same for the same input every time (a fixed draw of the estimator), not averaged away over calls.
/// </summary>
public sealed class IResNetBlock : FlowLayer<IResNetBlockSpec>
{
    readonly ModuleList<SpectralLinear> linears;
    readonly nn.Module<Tensor, Tensor> activation;

    public IResNetBlock(IResNetBlockSpec spec) : base(spec)
    {
        if (!spec.Shape.IsVector)
            throw new FlowShapeException($"{nameof(IResNetBlock)} takes vectors: expected a shape [D], got {spec.Shape} (images are not supported)");
        var subnet = spec.Net;
        if (subnet.Hidden < 1 || subnet.Depth < 1)
            throw new ArgumentException($"{nameof(IResNetBlock)} needs hidden >= 1 and depth >= 1, got hidden {subnet.Hidden}, depth {subnet.Depth}");
        if (subnet.Activation is not (Activation.Elu or Activation.Tanh))
            throw new ArgumentException($"{nameof(IResNetBlock)} needs a smooth 1-Lipschitz activation (elu or tanh), got {subnet.Activation}");
        if (!(spec.Coefficient > 0 && spec.Coefficient < 1))
            throw new ArgumentException($"{nameof(IResNetBlock)}.Coefficient must be in (0, 1) for the block to be invertible, got {spec.Coefficient}");
        if (spec.PowerIterations < 1 || spec.MaxIterations < 1 || spec.SeriesTerms < 1 || spec.Probes < 1)
            throw new ArgumentException(
                $"{nameof(IResNetBlock)} needs PowerIterations, MaxIterations, SeriesTerms and Probes >= 1, got " +
                $"{spec.PowerIterations}, {spec.MaxIterations}, {spec.SeriesTerms}, {spec.Probes}");
        if (!(spec.Tolerance > 0))
            throw new ArgumentException($"{nameof(IResNetBlock)}.Tolerance must be positive, got {spec.Tolerance}");

        long features = spec.Shape[0];
        var list = new List<SpectralLinear>();
        long width = features;
        for (int i = 0; i < subnet.Depth; i++)
        {
            list.Add(new SpectralLinear(width, subnet.Hidden, zeroInit: false));
            width = subnet.Hidden;
        }
        list.Add(new SpectralLinear(width, features, zeroInit: true));
        linears = new ModuleList<SpectralLinear>(list.ToArray());
        activation = Subnet.ActivationModule(subnet.Activation);
        RegisterComponents();
    }

    public override bool HasStochasticLogDet => true;

    protected override (Tensor x, Tensor logDet) ForwardCore(Tensor z)
    {
        var weights = Weights(training);
        return (z + G(z, weights), LogDetEstimate(z, weights));
    }

    /// <summary>x = z + g(z) alone: no power series, no probe vectors (sampling and traces discard the log-det).</summary>
    protected override Tensor ForwardWithoutLogDetCore(Tensor z) => z + G(z, Weights(training));

    protected override (Tensor z, Tensor logDet) InverseCore(Tensor x)
    {
        var weights = Weights(training);
        var z = FixedPoint(x, weights);
        return (z, -LogDetEstimate(z, weights));
    }

    /// <summary>
    /// The exact log|det(I + J_g(z))| of shape [batch], from the full Jacobian (D vector-Jacobian products and a
    /// determinant): for tests and small D. Uses the weights as evaluation does (the stored estimates are not changed,
    /// even in training mode); no gradient.
    /// </summary>
    public Tensor ExactLogDet(Tensor z)
    {
        if (!LatentShape.MatchesBatched(z.shape))
            throw new FlowShapeException($"{KindName}.{nameof(ExactLogDet)}: expected a batch of shape [batch, {LatentShape[0]}], got {Shape.Format(z.shape)}");
        using var scope = NewDisposeScope();
        IReadOnlyList<(Tensor, Tensor)> weights;
        using (no_grad()) weights = Weights(false);
        using var _ = enable_grad();
        var input = z.detach().requires_grad_(true);
        var gz = G(input, weights);
        long features = z.shape[1];
        var rows = new List<Tensor>();
        for (long i = 0; i < features; i++)
        {
            var unit = zeros_like(gz);
            unit.select(1, i).fill_(1);
            rows.Add(autograd.grad([gz], [input], [unit], retain_graph: true)[0]);
        }
        var jacobian = stack(rows, 1);
        var identity = eye(features, dtype: z.dtype, device: z.device);
        return linalg.slogdet(identity + jacobian).Item2.detach().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// An upper bound on Lip(g): the product of the exact spectral norms of the normalised weights as evaluation uses
    /// them (activations are 1-Lipschitz). At most c^(depth + 1) when the spectral norm estimates are accurate.
    /// </summary>
    public double LipschitzBound() =>
        linears.Aggregate(1.0, (bound, linear) => bound * linear.SpectralNorm(TypedSpec.Coefficient, TypedSpec.PowerIterations));

    /// <summary>The normalised weights; <paramref name="keepEstimate"/> (training) stores the refined spectral norm estimates.</summary>
    IReadOnlyList<(Tensor weight, Tensor bias)> Weights(bool keepEstimate) =>
        linears.Select(linear => linear.Normalised(TypedSpec.Coefficient, TypedSpec.PowerIterations, keepEstimate)).ToList();

    Tensor G(Tensor h, IReadOnlyList<(Tensor weight, Tensor bias)> weights)
    {
        for (int i = 0; i < weights.Count; i++)
        {
            h = nn.functional.linear(h, weights[i].weight, weights[i].bias);
            if (i < weights.Count - 1) h = activation.call(h);
        }
        return h;
    }

    Tensor FixedPoint(Tensor x, IReadOnlyList<(Tensor weight, Tensor bias)> weights)
    {
        double epsilon = x.dtype == ScalarType.Float64 ? 2.220446049250313e-16 : 1.1920928955078125e-7;
        double scale;
        using (var largest = x.abs().max()) scale = largest.ToDouble();
        double tolerance = Math.Max(TypedSpec.Tolerance, 64 * epsilon * (1 + scale));

        var z = x;
        double step = double.NaN;
        for (int k = 1; k <= TypedSpec.MaxIterations; k++)
        {
            using var scope = NewDisposeScope();
            var next = x - G(z, weights);
            using (var change = (next - z).abs().max()) step = change.ToDouble();
            next.MoveToOuterDisposeScope();
            if (!ReferenceEquals(z, x)) z.Dispose();
            z = next;
            if (step <= tolerance) return z;
            if (!double.IsFinite(step)) break;
        }
        throw new FixedPointNotConvergedException(
            $"{KindName}.Inverse: the fixed-point iteration z = x - g(z) did not converge in {TypedSpec.MaxIterations} iterations " +
            $"(last step {step:E2}, tolerance {tolerance:E2}); it converges when Lip(g) < 1, and Lip(g) <= {LipschitzBound():F3} here");
    }

    Tensor LogDetEstimate(Tensor z, IReadOnlyList<(Tensor weight, Tensor bias)> weights)
    {
        bool recording = is_grad_enabled();
        long batch = z.shape[0], features = z.shape[1];
        int probes = TypedSpec.Probes;
        using var _ = enable_grad();
        // Row p * batch + i holds sample i with its p-th probe, so one backward pass serves every probe.
        var input = (z.requires_grad ? z : z.detach().requires_grad_(true)).repeat(probes, 1);
        var gz = G(input, weights);
        var v = Rademacher(batch, probes, features, z);
        var w = v;
        var series = zeros(probes * batch, dtype: z.dtype, device: z.device);
        for (int k = 1; k <= TypedSpec.SeriesTerms; k++)
        {
            w = autograd.grad([gz], [input], [w], retain_graph: true, create_graph: recording)[0];
            series = series + (w * v).sum(1) * ((k % 2 == 1 ? 1.0 : -1.0) / k);
        }
        return series.reshape(probes, batch).mean([0]);
    }

    /// <summary>Probe vectors [Probes * batch, D] with entries +-1, laid out like the repeated input.</summary>
    Tensor Rademacher(long batch, int probes, long features, Tensor like)
    {
        using var generator = training ? null : new Generator((ulong)(uint)TypedSpec.ProbeSeed, like.device);
        var bits = randint(0, 2, [batch, probes, features], dtype: like.dtype, device: like.device, generator: generator);
        return (bits * 2 - 1).transpose(0, 1).reshape(probes * batch, features);
    }
}

/// <summary>Thrown when an iterative inverse (i-ResNet's fixed-point iteration) does not reach its tolerance.</summary>
public sealed class FixedPointNotConvergedException(string message) : Exception(message);
