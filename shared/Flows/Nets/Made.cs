using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Nets;

/// <summary>
/// MADE, the masked autoencoder for distribution estimation (Germain et al. 2015, section 4): an MLP whose weights are
/// masked so that output i sees only the inputs that come before i in an ordering. For vectors [batch, D] it returns,
/// per input dimension i, a shift mu_i and a bounded log-scale alpha_i, both functions of x_&lt;i only, so the
/// Jacobian d(mu, alpha)/dx is strictly triangular in that ordering.
///
/// Degrees (section 4): input Order[k] has degree k + 1; hidden units get degrees 1..D-1 in turn (deterministic,
/// so nothing but the ordering needs saving); a hidden unit sees units of lower or equal degree, an output of degree d
/// sees hidden units of degree &lt; d. With hidden &gt;= D - 1 every allowed dependency is present. The last layer
/// starts at zero, so mu = alpha = 0 and a new autoregressive layer is the identity.
/// </summary>
public sealed class Made : nn.Module<Tensor, (Tensor mu, Tensor alpha)>
{
    readonly ModuleList<MaskedLinear> layers;
    readonly nn.Module<Tensor, Tensor> activation;
    readonly int features;
    readonly ScaleBound bound;
    readonly double clamp;

    /// <param name="order">The autoregressive order: order[k] is the k-th dimension, conditioned on order[0..k-1].</param>
    public Made(IReadOnlyList<int> order, SubnetSpec subnet, ScaleBound bound, double clamp) : base(nameof(Made))
    {
        CheckOrder(order);
        if (subnet.Hidden < 1 || subnet.Depth < 1)
            throw new ArgumentException($"MADE needs hidden >= 1 and depth >= 1, got hidden {subnet.Hidden}, depth {subnet.Depth}");
        if (!(clamp > 0)) throw new ArgumentException($"MADE needs a positive log-scale clamp, got {clamp}");
        features = order.Count;
        this.bound = bound;
        this.clamp = clamp;

        var inputDegrees = new int[features];
        for (int k = 0; k < features; k++) inputDegrees[order[k]] = k + 1;
        var hiddenDegrees = Enumerable.Range(0, subnet.Hidden)
            .Select(h => h % Math.Max(1, features - 1) + Math.Min(1, features - 1)).ToArray();

        var list = new List<MaskedLinear>();
        var previous = inputDegrees;
        for (int l = 0; l < subnet.Depth; l++)
        {
            list.Add(new MaskedLinear(Mask(hiddenDegrees, previous, (o, i) => o >= i), zeroInit: false));
            previous = hiddenDegrees;
        }
        // mu and alpha of dimension i share the degree of input i.
        int[] outputDegrees = [.. inputDegrees, .. inputDegrees];
        list.Add(new MaskedLinear(Mask(outputDegrees, previous, (o, i) => o > i), zeroInit: true));
        layers = new ModuleList<MaskedLinear>(list.ToArray());
        activation = Subnet.ActivationModule(subnet.Activation);
        RegisterComponents();
    }

    /// <summary>Number of input dimensions D.</summary>
    public int Features => features;

    /// <summary>The natural order 0, 1, .., D-1.</summary>
    public static int[] NaturalOrder(int features) => Enumerable.Range(0, features).ToArray();

    /// <summary>A random order drawn once from <paramref name="seed"/>; store it in the layer's spec.</summary>
    public static int[] RandomOrder(int features, int seed)
    {
        var order = NaturalOrder(features);
        new Random(seed).Shuffle(order);
        return order;
    }

    public override (Tensor mu, Tensor alpha) forward(Tensor x)
    {
        var h = x;
        for (int l = 0; l < layers.Count - 1; l++) h = activation.call(layers[l].call(h));
        var output = layers[layers.Count - 1].call(h);
        return (output.narrow(1, 0, features), bound.Apply(output.narrow(1, features, features), clamp));
    }

    static void CheckOrder(IReadOnlyList<int> order)
    {
        if (order.Count == 0 || order.OrderBy(i => i).Where((v, i) => v != i).Any())
            throw new ArgumentException($"a MADE order must be a permutation of 0..D-1, got [{string.Join(", ", order)}]");
    }

    /// <summary>Mask [outputs, inputs]: 1 where output unit o may see input unit i.</summary>
    static Tensor Mask(int[] outputDegrees, int[] inputDegrees, Func<int, int, bool> connected)
    {
        var values = new float[outputDegrees.Length * inputDegrees.Length];
        for (int o = 0; o < outputDegrees.Length; o++)
            for (int i = 0; i < inputDegrees.Length; i++)
                values[o * inputDegrees.Length + i] = connected(outputDegrees[o], inputDegrees[i]) ? 1f : 0f;
        return tensor(values).reshape(outputDegrees.Length, inputDegrees.Length);
    }

    /// <summary>A linear layer y = (W * mask) x + b; the mask is a float buffer so it follows the module's dtype.</summary>
    sealed class MaskedLinear : nn.Module<Tensor, Tensor>
    {
        readonly Parameter weight;
        readonly Parameter bias;
        readonly Tensor mask;

        public MaskedLinear(Tensor mask, bool zeroInit) : base(nameof(MaskedLinear))
        {
            long outputs = mask.shape[0], inputs = mask.shape[1];
            // nn.Linear's default initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
            double limit = 1 / Math.Sqrt(inputs);
            weight = new Parameter(zeroInit ? zeros(outputs, inputs) : empty(outputs, inputs).uniform_(-limit, limit));
            bias = new Parameter(zeroInit ? zeros(outputs) : empty(outputs).uniform_(-limit, limit));
            this.mask = mask.DetachFromDisposeScope();
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => nn.functional.linear(x, weight * mask, bias);
    }
}
