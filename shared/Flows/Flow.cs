using FlowLive.Flows.Bases;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows;

/// <summary>
/// A normalizing flow: a base distribution and a sequence of invertible layers in generative order.
///
/// <see cref="Decode"/> runs the layers forward (z to x), <see cref="Encode"/> runs them backwards (x to z), and
/// log p(x) = log p_base(z) + log|det dz/dx|. <see cref="Trace"/> returns the state after every layer, base first,
/// which is what the viewer animates. <see cref="Prefix"/> gives the flow made of the first k layers, sharing weights.
/// Every method that returns tensors owns a dispose scope and moves only its results out.
/// </summary>
public sealed class Flow : IDisposable
{
    readonly FlowModule module;
    readonly int count;
    readonly bool ownsModule;

    public Flow(BaseDistribution @base, IEnumerable<FlowLayer> layers)
    {
        var list = layers.ToList();
        CheckShapes(@base, list);
        module = new FlowModule(@base, list);
        count = list.Count;
        ownsModule = true;
    }

    Flow(FlowModule module, int count)
    {
        this.module = module;
        this.count = count;
        ownsModule = false;
    }

    public BaseDistribution Base => module.Base;
    public IReadOnlyList<FlowLayer> Layers => module.Layers.Take(count).ToList();
    public int LayerCount => count;
    public Shape LatentShape => Base.Shape;
    public Shape DataShape => count == 0 ? Base.Shape : module.Layers[count - 1].DataShape;

    /// <summary>The declarative spec (weights aside) of this flow.</summary>
    public FlowSpec Spec => new() { Base = Base.Spec, Layers = Layers.Select(l => l.Spec).ToList() };

    /// <summary>The module holding every weight: for optimizers, device moves and state dicts.</summary>
    public nn.Module Module => module;

    /// <summary>True when any layer's log-det is a stochastic estimate (log-likelihoods are then estimates too).</summary>
    public bool HasStochasticLogDet => Layers.Any(l => l.HasStochasticLogDet);

    /// <summary>True when every layer has an inverse, so the flow encodes data and evaluates its density.</summary>
    public bool HasInverse => Layers.All(l => l.HasInverse);

    /// <summary>The flow made of the first <paramref name="layerCount"/> layers (0 = the base alone); shares weights.</summary>
    public Flow Prefix(int layerCount)
    {
        if (layerCount < 0 || layerCount > count)
            throw new ArgumentOutOfRangeException(nameof(layerCount), layerCount, $"a prefix has between 0 and {count} layers");
        return new Flow(module, layerCount);
    }

    /// <summary>Generative direction: z to x, with log|det dx/dz| of shape [batch].</summary>
    public (Tensor x, Tensor logDet) Decode(Tensor z)
    {
        CheckBatch(z, LatentShape, nameof(Decode));
        using var scope = NewDisposeScope();
        var x = z;
        var logDet = zeros(z.shape[0], dtype: z.dtype, device: z.device);
        foreach (var layer in module.Layers.Take(count))
        {
            var (next, step) = layer.Forward(x);
            x = next;
            logDet = logDet + step;
        }
        return (x.alias().MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    /// <summary>Normalizing direction: x to z, with log|det dz/dx| of shape [batch].</summary>
    public (Tensor z, Tensor logDet) Encode(Tensor x)
    {
        CheckBatch(x, DataShape, nameof(Encode));
        using var scope = NewDisposeScope();
        var z = x;
        var logDet = zeros(x.shape[0], dtype: x.dtype, device: x.device);
        for (int i = count - 1; i >= 0; i--)
        {
            var (previous, step) = module.Layers[i].Inverse(z);
            z = previous;
            logDet = logDet + step;
        }
        return (z.alias().MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Values per row slice when nothing is recorded for gradients and the flow is in evaluation mode: a batch is
    /// evaluated in slices of about this many values of its widest activation (2^18 float32 = 1 MiB, a core's L2
    /// cache on the machines FlowLive is built on), so each activation stays in cache between the ops that read it
    /// rather than streaming from memory (a 256-wide activation of 100,000 rows is 100 MB). Measured on one thread:
    /// the 8 x 256 Keras flow's 100,000-point Trace took 9.4 s whole, 4.2 s in slices of 4,096 rows, 3.5 s in slices
    /// of 1,024 and 4.6 s of 256; the 4 x 16 Radboud flow was fastest at 16,384 rows (docs/performance.md).
    /// Training mode is left whole: batch-norm's statistics and ActNorm's initialisation read the whole batch.
    /// </summary>
    public const long EvaluationSliceValues = 1 << 18;

    /// <summary>Rows per evaluation slice: <see cref="EvaluationSliceValues"/> over the widest per-row activation, at least 256.</summary>
    public long EvaluationSliceRows => sliceRows ??= Math.Max(256, EvaluationSliceValues / WidestActivation());

    long? sliceRows;

    // The widest per-row value count the flow computes: its data and latent sizes, or a dense layer's outputs
    // (2-D weights [outputs, inputs]). Convolutions are not counted: an image flow slices by its data size.
    long WidestActivation() => module.parameters().Where(p => p.ndim == 2).Select(p => p.shape[0])
        .Append(LatentShape.Size).Append(DataShape.Size).Max();

    bool Slices(Tensor batch) => batch.shape[0] > EvaluationSliceRows && !is_grad_enabled() && !module.training;

    /// <summary>Exact log-density log p(x) of shape [batch] (an unbiased estimate when <see cref="HasStochasticLogDet"/>).</summary>
    public Tensor LogProb(Tensor x)
    {
        if (Slices(x)) return RowSlices.Map(x, EvaluationSliceRows, LogProb);
        using var scope = NewDisposeScope();
        var (z, logDet) = Encode(x);
        return (Base.LogProb(z) + logDet).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Generative direction without the log-det, under no_grad: z to x as <see cref="Decode"/> gives it, but layers may
    /// skip the log-det (i-ResNet's series is most of its cost).
    /// </summary>
    public Tensor DecodeWithoutLogDet(Tensor z)
    {
        CheckBatch(z, LatentShape, nameof(DecodeWithoutLogDet));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (Slices(z)) return RowSlices.Map(z, EvaluationSliceRows, DecodeWithoutLogDet).MoveToOuterDisposeScope();
        var x = z;
        foreach (var layer in module.Layers.Take(count))
            x = layer.ForwardWithoutLogDet(x);
        return x.alias().MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="count"/> samples at <paramref name="temperature"/>; the same seed gives the same samples.</summary>
    public Tensor Sample(long count, double temperature = 1.0, long? seed = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return DecodeWithoutLogDet(Base.Sample(count, temperature, seed)).MoveToOuterDisposeScope();
    }

    /// <summary>Samples with their log-density under the flow, in one forward pass: log p(x) = log p_base(z) - log|det dx/dz|.</summary>
    public (Tensor x, Tensor logProb) SampleWithLogProb(long count, double temperature = 1.0, long? seed = null)
    {
        using var scope = NewDisposeScope();
        var z = Base.Sample(count, temperature, seed);
        var (x, logDet) = Decode(z);
        return (x.MoveToOuterDisposeScope(), (Base.LogProb(z) - logDet).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The state after every layer, base first: element 0 is <paramref name="z"/> itself (a copy), element k the output
    /// of layer k, the last equals <see cref="Decode"/>(z). Shapes follow the layers (squeezes change them).
    /// </summary>
    public IReadOnlyList<Tensor> Trace(Tensor z)
    {
        CheckBatch(z, LatentShape, nameof(Trace));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (Slices(z))
        {
            var joined = RowSlices.MapMany(z, EvaluationSliceRows, Trace);
            foreach (var state in joined) state.MoveToOuterDisposeScope();
            return joined;
        }
        var states = new List<Tensor>(count + 1) { z.clone() };
        foreach (var layer in module.Layers.Take(count))
            states.Add(layer.ForwardWithoutLogDet(states[^1]));
        foreach (var state in states) state.MoveToOuterDisposeScope();
        return states;
    }

    /// <summary>Switches layers such as batch-norm and ActNorm between training and evaluation behaviour.</summary>
    public void Train(bool training = true) => module.train(training);

    /// <summary>Moves every weight to <paramref name="device"/> and <paramref name="dtype"/>.</summary>
    public Flow To(Device device, ScalarType dtype = ScalarType.Float32)
    {
        module.to(dtype).to(device);
        return this;
    }

    /// <summary>Moves every weight to <paramref name="device"/>, keeping its dtype.</summary>
    public Flow To(Device device)
    {
        module.to(device);
        return this;
    }

    public IEnumerable<Parameter> Parameters() => module.parameters().Where(p => p.requires_grad);

    /// <summary>The number of trainable weights: the elements of every tensor <see cref="Parameters"/> lists.</summary>
    public long WeightCount => Parameters().Sum(p => p.numel());

    public void Dispose()
    {
        if (ownsModule) module.Dispose();
    }

    static void CheckShapes(BaseDistribution @base, List<FlowLayer> layers)
    {
        var shape = @base.Shape;
        string from = $"base ({@base.GetType().Name})";
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].LatentShape != shape)
                throw new FlowShapeException(
                    $"layer {i} ({layers[i].KindName}) expects input shape {layers[i].LatentShape}, but {from} produces {shape}");
            shape = layers[i].DataShape;
            from = $"layer {i} ({layers[i].KindName})";
        }
    }

    static void CheckBatch(Tensor t, Shape expected, string method)
    {
        if (!expected.MatchesBatched(t.shape))
            throw new FlowShapeException($"Flow.{method}: expected a batch of shape [batch, {string.Join(", ", expected.Dims)}], got {Shape.Format(t.shape)}");
    }

    /// <summary>Holds the base and the layers so that TorchSharp sees every parameter and buffer.</summary>
    sealed class FlowModule : nn.Module
    {
        public FlowModule(BaseDistribution @base, List<FlowLayer> layers) : base("Flow")
        {
            Base = @base;
            Layers = new ModuleList<FlowLayer>(layers.ToArray());
            register_module("base", Base);
            register_module("layers", Layers);
        }

        public BaseDistribution Base { get; }
        public ModuleList<FlowLayer> Layers { get; }
    }
}
