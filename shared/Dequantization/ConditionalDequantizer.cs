using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Dequantization;

/// <summary>
/// The variational dequantization distribution q(u | x) of Flow++ (Ho et al. 2019, section 3.1): noise u in (0, 1)^D
/// given 8-bit pixels x, as a conditional flow of a Gaussian through a sigmoid:
///   eps ~ N(0, I);  v_0 = m(c) + exp(a(c)) * eps;  v_k = b_k v_{k-1} + (1 - b_k)(v_{k-1} exp(s_k) + t_k),
///   (s_k, t_k) = net_k(b_k v_{k-1}, c);  u = sigmoid(v_K),
/// with c = x / 255 - 1/2 the condition and b_k alternating masks (<see cref="Masks"/>: alternating entries for
/// vectors, chequerboards for images). Then
///   log q(u | x) = log N(eps) - sum a - sum_k sum (1 - b_k) s_k - sum [log sigmoid(v_K) + log sigmoid(-v_K)].
/// Every conditioner's last layer starts at zero, so a new dequantizer is u = sigmoid(eps). Log-scales are tanh-bounded.
/// </summary>
public sealed class ConditionalDequantizer : nn.Module
{
    static readonly double LogTwoPi = Math.Log(2 * Math.PI);
    readonly nn.Module<Tensor, Tensor> first;
    readonly ModuleList<nn.Module<Tensor, Tensor>> couplings;
    readonly Tensor masks; // [couplings, ..shape], 1 = passes and conditions

    public ConditionalDequantizer(DequantizerSpec spec) : base(nameof(ConditionalDequantizer))
    {
        spec.Validate();
        Spec = spec;
        var shape = spec.Shape;
        var doubled = shape.IsVector ? Shape.Vector(2 * shape[0]) : Shape.Image(2 * shape[0], shape[1], shape[2]);
        first = Subnet.Create(spec.Net, shape, doubled);
        couplings = new ModuleList<nn.Module<Tensor, Tensor>>(
            Enumerable.Range(0, spec.Couplings).Select(_ => Subnet.Create(spec.Net, doubled, doubled)).ToArray());
        masks = spec.Couplings == 0
            ? zeros([0, .. shape.Dims])
            : stack(Enumerable.Range(0, spec.Couplings).Select(k => Masks.ToTensor(MaskOf(shape, k), shape)));
        RegisterComponents();
    }

    public DequantizerSpec Spec { get; }
    public Shape Shape => Spec.Shape;

    /// <summary>
    /// u ~ q(u | x) of the shape of <paramref name="pixels"/> ([batch, ..Shape], integers 0..255) with log q(u | x)
    /// [batch]; eps is drawn on the CPU from <paramref name="generator"/>. u lies in [0, 1): the value that rounds to 1
    /// is clamped just below it. Gradients reach every weight (reparameterised).
    /// </summary>
    public (Tensor u, Tensor logQ) Sample(Tensor pixels, Generator generator)
    {
        CheckPixels(pixels, nameof(Sample));
        using var scope = NewDisposeScope();
        var anchor = masks;
        var condition = Condition(pixels);
        var eps = randn(pixels.shape, dtype: anchor.dtype, generator: generator).to(anchor.device);
        var logQ = Sum(-0.5 * eps.pow(2) - 0.5 * LogTwoPi);

        var (shift, logScale) = FirstStep(condition);
        var v = shift + logScale.exp() * eps;
        logQ = logQ - Sum(logScale);
        for (int k = 0; k < couplings.Count; k++)
        {
            var (s, t) = CouplingStep(k, v, condition);
            v = v * s.exp() + t;
            logQ = logQ - Sum(s);
        }
        var u = v.sigmoid().clamp_max(Below1(anchor.dtype));
        logQ = logQ - Sum(nn.functional.logsigmoid(v) + nn.functional.logsigmoid(-v));
        return (u.MoveToOuterDisposeScope(), logQ.MoveToOuterDisposeScope());
    }

    /// <summary>log q(u | x) [batch] for noise u in (0, 1) of the pixels' shape: the flow run backwards from u to eps.</summary>
    public Tensor LogProb(Tensor u, Tensor pixels)
    {
        CheckPixels(pixels, nameof(LogProb));
        if (!u.shape.SequenceEqual(pixels.shape))
            throw new FlowShapeException($"ConditionalDequantizer.LogProb: noise of shape {Shape.Format(u.shape)} does not match pixels of shape {Shape.Format(pixels.shape)}");
        using var scope = NewDisposeScope();
        var condition = Condition(pixels);
        var v = u.log() - (-u).log1p();
        var logQ = -Sum(nn.functional.logsigmoid(v) + nn.functional.logsigmoid(-v));
        for (int k = couplings.Count - 1; k >= 0; k--)
        {
            // Entries with b = 1 passed unchanged, so the conditioner sees the same input as on the way forward.
            var (s, t) = CouplingStep(k, v, condition);
            v = (v - t) * (-s).exp();
            logQ = logQ - Sum(s);
        }
        var (shift, logScale) = FirstStep(condition);
        var eps = (v - shift) * (-logScale).exp();
        logQ = logQ - Sum(logScale) + Sum(-0.5 * eps.pow(2) - 0.5 * LogTwoPi);
        return logQ.MoveToOuterDisposeScope();
    }

    (Tensor shift, Tensor logScale) FirstStep(Tensor condition)
    {
        var halves = first.forward(condition).chunk(2, 1);
        return (halves[0], ScaleBound.Tanh.Apply(halves[1], Spec.Clamp));
    }

    /// <summary>s and t of coupling <paramref name="k"/>, zero where the mask passes.</summary>
    (Tensor s, Tensor t) CouplingStep(int k, Tensor v, Tensor condition)
    {
        var mask = masks[k];
        var halves = couplings[k].forward(cat([v * mask, condition], 1)).chunk(2, 1);
        var changes = 1 - mask;
        return (ScaleBound.Tanh.Apply(halves[0], Spec.Clamp) * changes, halves[1] * changes);
    }

    /// <summary>c = x / 255 - 1/2, in the dequantizer's dtype and on its device.</summary>
    Tensor Condition(Tensor pixels) => pixels.to(masks.dtype).to(masks.device) / 255 - 0.5;

    static Tensor Sum(Tensor t) => t.reshape(t.shape[0], -1).sum(1);

    static double Below1(ScalarType dtype) => dtype == ScalarType.Float64 ? Math.BitDecrement(1.0) : MathF.BitDecrement(1f);

    static int[] MaskOf(Shape shape, int k) =>
        shape.IsVector ? Masks.Alternating(shape, startWith: k % 2 == 0 ? 1 : 0) : Masks.Chequerboard(shape, parity: k % 2);

    void CheckPixels(Tensor pixels, string method)
    {
        if (!Shape.MatchesBatched(pixels.shape))
            throw new FlowShapeException($"ConditionalDequantizer.{method}: expected pixels of shape [batch, {string.Join(", ", Shape.Dims)}], got {Shape.Format(pixels.shape)}");
        if (pixels.is_floating_point() || pixels.is_complex() || pixels.dtype == ScalarType.Bool)
            throw new ArgumentException($"ConditionalDequantizer.{method} expects integer pixel values 0..255 (e.g. uint8), got {pixels.dtype}", nameof(pixels));
    }
}
