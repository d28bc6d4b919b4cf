using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Nets;

/// <summary>
/// y = x Wᵀ + b with nn.Linear's weights, names ("weight" [outputs, inputs], "bias" [outputs]) and initialisation,
/// for coupling nets whose ends are narrow (a 2-D flow's conditioner maps 1 value to 16 and 16 to 2). libtorch's BLAS
/// (MKL) is slow for products with one or two columns on a side, so a layer with one input or at most two outputs
/// computes (W xᵀ + b)ᵀ, the same product transposed, which MKL does well, wherever no gradient is recorded (see
/// <see cref="forward"/>): measured with `./flowlive bench --threads 1`, the Radboud flow's 100,000-point Trace took
/// 20 ms instead of 43 and its 512 x 512 density grid 71 ms instead of 104 (docs/performance.md). Wider layers use
/// nn.functional.linear. The result is a transposed view; model files cannot tell the layer from nn.Linear.
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
        // Training keeps nn.Linear's arithmetic: the other forms round differently, and the Radboud preset trained with
        // them reached 1.8897 nats instead of 1.8597 from the same seed at its former rate (its bar is 1.87), so they are used only
        // where no gradient is recorded.
        if (is_grad_enabled() && (weight.requires_grad || x.requires_grad)) return nn.functional.linear(x, weight, bias);
        return Transposed ? addmm(bias.unsqueeze(1), weight, x.t(), 1, 1).t() : nn.functional.linear(x, weight, bias);
    }
}
