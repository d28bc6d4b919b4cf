using FlowLive.Flows;
using FlowLive.Vae;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Dequantization;

/// <summary>
/// An image flow trained with variational dequantization (Ho et al. 2019, Flow++, section 3.1, eq. 12): for 8-bit
/// pixels x in {0..255}^D and u ~ q(u | x) (<see cref="ConditionalDequantizer"/>),
///   -log P(x) &lt;= E_q[ -log p((x + u) / 256) + D log 256 + log q(u | x) ]   (nats, on the 256-level scale),
/// because P(x) = integral over [0, 1)^D of p((x + u) / 256) / 256^D du and Jensen's inequality. The per-image
/// loss is the bracket at one sample; both the flow and q are trained on it. With q uniform (log q = 0) it is
/// exactly uniform dequantization (<see cref="Likelihood.Dequantize"/>), so the learned q can only tighten the bound.
/// Bits per dimension: <see cref="Likelihood.BitsPerDim(double, long)"/> of minus the loss.
/// </summary>
public sealed class VariationallyDequantizedFlow : IDisposable
{
    static readonly double Log256 = Math.Log(256);
    readonly Container module;

    /// <summary>Takes ownership of <paramref name="flow"/> (data shape = the pixels' shape) and <paramref name="dequantizer"/>.</summary>
    public VariationallyDequantizedFlow(Flow flow, ConditionalDequantizer dequantizer)
    {
        if (flow.DataShape != dequantizer.Shape)
            throw new FlowShapeException($"VariationallyDequantizedFlow: the flow models shape {flow.DataShape}, the dequantizer {dequantizer.Shape}");
        module = new Container(flow, dequantizer);
    }

    /// <summary>
    /// Wraps <paramref name="flow"/> with a new dequantizer of <paramref name="spec"/>'s depth and nets (its shape is the
    /// flow's data shape) whose initial weights are drawn from <paramref name="generator"/>.
    /// </summary>
    public static VariationallyDequantizedFlow Create(Flow flow, Generator generator, DequantizerSpec? spec = null)
    {
        spec = (spec ?? new DequantizerSpec { Shape = flow.DataShape }) with { Shape = flow.DataShape };
        var dequantizer = new ConditionalDequantizer(spec);
        FlowLive.Training.WeightInitialisation.Apply(dequantizer, generator);
        var dtype = flow.Module.parameters().Concat(flow.Module.buffers()).Where(t => t.is_floating_point()).Select(t => t.dtype).FirstOrDefault(ScalarType.Float32);
        var device = flow.Module.parameters().Select(p => p.device).FirstOrDefault() ?? CPU;
        dequantizer.to(dtype).to(device);
        return new VariationallyDequantizedFlow(flow, dequantizer);
    }

    public Flow Flow => module.Flow;
    public ConditionalDequantizer Dequantizer => module.Dequantizer;
    public Shape DataShape => Flow.DataShape;
    public long Dimensions => DataShape.Size;

    /// <summary>Every weight of the flow and the dequantizer.</summary>
    public nn.Module Module => module;

    public IEnumerable<Parameter> Parameters() => module.parameters().Where(p => p.requires_grad);

    public void Train(bool on) => module.train(on);

    /// <summary>
    /// -log p((x + u) / 256) + D log 256 + log q(u | x) per image [batch] with one u ~ q(u | x): an unbiased estimate of an
    /// upper bound on -log P(x) in nats. <paramref name="batch"/> holds integer pixels [batch, ..DataShape].
    /// </summary>
    public Tensor Loss(Tensor batch, Generator generator)
    {
        using var scope = NewDisposeScope();
        var (u, logQ) = Dequantizer.Sample(batch, generator);
        var y = (batch.to(u.dtype).to(u.device) + u) / 256;
        return (-(Flow.LogProb(y) - logQ) + Dimensions * Log256).MoveToOuterDisposeScope();
    }

    /// <summary>Mean loss per image (nats) over <paramref name="pixels"/> in batches, in evaluation mode without gradients.</summary>
    public double Evaluate(Tensor pixels, Generator generator, int batchSize = 256)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive");
        long n = pixels.shape[0];
        if (n == 0) throw new ArgumentException("VariationallyDequantizedFlow: cannot evaluate an empty dataset", nameof(pixels));
        bool wasTraining = module.training;
        module.train(false);
        try
        {
            using var _ = no_grad();
            double total = 0;
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                total += Loss(pixels[TensorIndex.Slice(start, Math.Min(n, start + batchSize))], generator).sum().to(float64).item<double>();
            }
            return total / n;
        }
        finally
        {
            module.train(wasTraining);
        }
    }

    /// <summary>The mean loss as bits per dimension.</summary>
    public double EvaluateBitsPerDim(Tensor pixels, Generator generator, int batchSize = 256) =>
        Likelihood.BitsPerDim(-Evaluate(pixels, generator, batchSize), Dimensions);

    public void Dispose() => module.Dispose();

    sealed class Container : nn.Module
    {
        public Container(Flow flow, ConditionalDequantizer dequantizer) : base(nameof(VariationallyDequantizedFlow))
        {
            Flow = flow;
            Dequantizer = dequantizer;
            register_module("flow", flow.Module);
            register_module("dequantizer", dequantizer);
        }

        public Flow Flow { get; }
        public ConditionalDequantizer Dequantizer { get; }
    }
}
