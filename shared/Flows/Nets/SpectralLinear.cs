using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Nets;

/// <summary>
/// A linear layer whose weight is used as W~ = W / max(1, sigma / c), sigma an estimate of the spectral norm ||W||_2,
/// so ||W~||_2 &lt;= c up to the estimate's error (Behrmann et al. 2019, section 3.1, eq. 3; spectral normalisation of
/// Miyato et al. 2018, which this generalises by only shrinking weights that are too large).
///
/// sigma = u^T W v with v = normalize(W^T u), where u, the estimated leading left singular vector, is a buffer:
/// it is saved with the weights and refined by a few power iterations per training step (warm-started, so it keeps up
/// with slowly changing weights). Evaluation uses the stored u as it is, so it is deterministic and a loaded model
/// gives the same outputs bit for bit. As in Miyato et al., u and v carry no gradient; sigma does, through W.
/// The estimate can only under-estimate ||W||_2 (u^T W v &lt;= ||W||_2 for unit u, v); <see cref="SpectralNorm"/> gives
/// the exact value of the normalised weight for checks.
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
    /// The normalised weight W~ and the bias. <paramref name="powerIterations"/> &gt; 0 first refines the stored u
    /// (training); 0 uses it as stored (evaluation).
    /// </summary>
    public (Tensor weight, Tensor bias) Normalised(double coefficient, int powerIterations)
    {
        using (no_grad())
        {
            for (int i = 0; i < powerIterations; i++)
            {
                var next = weight.mv(RightVector());
                double norm = next.norm().ToDouble();
                // A zero weight (a zero-initialised last layer) has no direction to find: keep u for when it grows.
                if (!(norm > 0) || !double.IsFinite(norm)) break;
                u.copy_(next / norm);
            }
        }
        Tensor v;
        using (no_grad()) v = RightVector();
        var sigma = u.dot(weight.mv(v));
        return (weight / (sigma / coefficient).clamp_min(1.0), bias);
    }

    /// <summary>The exact spectral norm of the weight as <see cref="Normalised"/> would use it in evaluation.</summary>
    public double SpectralNorm(double coefficient)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (normalised, _) = Normalised(coefficient, 0);
        return linalg.matrix_norm(normalised, 2.0).ToDouble();
    }

    /// <summary>The exact spectral norm of the raw, unnormalised weight.</summary>
    public double RawSpectralNorm()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return linalg.matrix_norm(weight, 2.0).ToDouble();
    }

    Tensor RightVector() => nn.functional.normalize(weight.t().mv(u), dim: 0);
}
