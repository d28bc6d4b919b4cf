using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Nets;

/// <summary>
/// y = x Wᵀ + b with nn.Linear's weights, names ("weight" [outputs, inputs], "bias" [outputs]) and initialisation,
/// for coupling nets whose ends are narrow (a 2-D flow's conditioner maps 1 value to 16 and 16 to 2). libtorch's BLAS
/// (MKL) is slow for products with one or two columns on a side, so a layer with one input or at most two outputs
/// computes (W xᵀ + b)ᵀ, the same product transposed, which MKL does well: measured with `./flowlive bench --threads 1`,
/// the Radboud flow's training step at batch 128 took 2.9 ms instead of 4.0, its 100,000-point Trace 20 ms instead of
/// 43 and its 512 x 512 density grid 71 ms instead of 104 (docs/performance.md). Wider layers use nn.functional.linear
/// without gradients, and add the bias as a rank-1 product with them (see <see cref="forward"/>).
/// The result is a transposed view; model files cannot tell the layer from nn.Linear.
/// </summary>
public sealed class NarrowLinear : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter bias;

    public NarrowLinear(long inputs, long outputs) : base(nameof(NarrowLinear))
    {
        // nn.Linear's default initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
        double limit = 1 / Math.Sqrt(inputs);
        weight = new Parameter(empty(outputs, inputs).uniform_(-limit, limit));
        bias = new Parameter(empty(outputs).uniform_(-limit, limit));
        InFeatures = inputs;
        OutFeatures = outputs;
        RegisterComponents();
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public Parameter Weight => weight;
    public Parameter Bias => bias;

    /// <summary>True when one side is so narrow that the transposed product is the faster form.</summary>
    public bool Transposed => InFeatures == 1 || OutFeatures <= 2;

    public override Tensor forward(Tensor x)
    {
        if (Transposed) return addmm(bias.unsqueeze(1), weight, x.t(), 1, 1).t();
        if (!is_grad_enabled() || !bias.requires_grad || x.dim() != 2) return nn.functional.linear(x, weight, bias);
        // x Wᵀ + 1 bᵀ, the bias added as a rank-1 product, so that its gradient is the product 1ᵀ g: autograd's
        // g.sum(0) for a broadcast bias runs about 9 times slower in this libtorch than in PyTorch 1.13 (128 x 256:
        // 57 against 5 µs; 4,096 x 256: 1,078 against 117 µs), while 1ᵀ g takes 6 and 128 µs.
        using var scope = NewDisposeScope();
        var column = ones([x.shape[0], 1], dtype: x.dtype, device: x.device);
        return addmm(x.mm(weight.t()), column, bias.unsqueeze(0), 1, 1).MoveToOuterDisposeScope();
    }
}
