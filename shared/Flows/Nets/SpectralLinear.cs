using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Nets;

/// <summary>
/// A linear layer whose weight is used as W~ = W / max(1, sigma / c), sigma an estimate of the spectral norm ||W||_2,
/// so ||W~||_2 &lt;= c up to the estimate's error (Behrmann et al. 2019, section 2: the spectral normalisation of
/// Miyato et al. 2018, changed to shrink only weights whose norm exceeds c).
///
/// sigma = u^T W v with v = normalize(W^T u), where u, the estimated leading left singular vector, is a buffer saved
/// with the weights. Every call runs a few power iterations warm-started from the stored u (so they keep up with slowly
/// changing weights). Training writes the refined u back; evaluation does not, so its result is a function of the
/// weights and the saved u alone: deterministic, and bit for bit the same after a model file round trip, yet not one
/// optimizer step behind the weights. As in Miyato et al., u and v carry no gradient; sigma does, through W.
/// The estimate can only under-estimate ||W||_2 (u^T W v &lt;= ||W||_2 for unit u, v), so ||W~||_2 may exceed c a little:
/// training that pushes for larger norms drives the top singular values together, where few iterations converge
/// slowly (IResNetBlockTests saw single layers up to 6% above c with 5 iterations per step). <see cref="SpectralNorm"/>
/// gives the exact value of the normalised weight for checks.
/// </summary>
public sealed class SpectralLinear : nn.Module
{
    readonly Parameter weight;
    readonly Parameter bias;
    readonly Tensor u;

    /// <param name="zeroInit">Start with W = 0 and b = 0 (the last layer of a residual branch, so the block starts as the identity).</param>
    public SpectralLinear(long inputs, long outputs, bool zeroInit) : base(nameof(SpectralLinear))
    {
        // nn.Linear's default initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
        double limit = 1 / Math.Sqrt(inputs);
        weight = new Parameter(zeroInit ? zeros(outputs, inputs) : empty(outputs, inputs).uniform_(-limit, limit));
        bias = new Parameter(zeroInit ? zeros(outputs) : empty(outputs).uniform_(-limit, limit));
        using (var start = randn(outputs))
            u = nn.functional.normalize(start, dim: 0).DetachFromDisposeScope();
        RegisterComponents();
    }

    /// <summary>
    /// The normalised weight W~ and the bias, after <paramref name="powerIterations"/> power iterations warm-started
    /// from the stored u. <paramref name="keepEstimate"/> writes the refined u back (training); otherwise the stored u
    /// is left as it is, so the result depends only on the weights and the saved state (evaluation).
    /// </summary>
    /// The weight is a new tensor (the call's temporaries are freed with its dispose scope); the bias is the parameter itself.
    public (Tensor weight, Tensor bias) Normalised(double coefficient, int powerIterations, bool keepEstimate)
    {
        using var scope = NewDisposeScope();
        Tensor left = u, right;
        using (no_grad())
        {
            for (int i = 0; i < powerIterations; i++)
            {
                var next = weight.mv(RightVector(left));
                double norm = next.norm().ToDouble();
                // A zero weight (a zero-initialised last layer) has no direction to find: keep u for when it grows.
                if (!(norm > 0) || !double.IsFinite(norm)) break;
                left = next / norm;
            }
            if (ReferenceEquals(left, u)) left = u.clone(); // the graph must not see the buffer's later in-place updates
            else if (keepEstimate) u.copy_(left);
            right = RightVector(left);
        }
        var sigma = left.dot(weight.mv(right));
        return ((weight / (sigma / coefficient).clamp_min(1.0)).MoveToOuterDisposeScope(), bias);
    }

    /// <summary>The exact spectral norm of the weight as <see cref="Normalised"/> gives it without keeping the estimate.</summary>
    public double SpectralNorm(double coefficient, int powerIterations)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (normalised, _) = Normalised(coefficient, powerIterations, keepEstimate: false);
        return linalg.matrix_norm(normalised, 2.0).ToDouble();
    }

    /// <summary>The exact spectral norm of the raw, unnormalised weight.</summary>
    public double RawSpectralNorm()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return linalg.matrix_norm(weight, 2.0).ToDouble();
    }

    Tensor RightVector(Tensor left) => nn.functional.normalize(weight.t().mv(left), dim: 0);
}
