using FlowLive.Flows;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// Fits a flow q to an unnormalised target p~ by reverse KL (Rezende and Mohamed 2015, section 4.2): minimise
/// E_q[log q(x) - log p~(x)] = KL(q || p) - log Z over reparameterised samples x = f(z). The "batch" is base noise z
/// (drawn by <see cref="BaseSamples"/>), and log q(f(z)) = log p_base(z) - log|det df/dz|. Needs only the generative
/// direction, so it also trains flows without an inverse (planar, radial).
/// </summary>
public sealed class ReverseKl(Flow flow, Func<Tensor, Tensor> logTarget) : ITrainable
{
    public Flow Flow { get; } = flow;
    public nn.Module Module => Flow.Module;
    public IReadOnlyList<Parameter> Parameters { get; } = flow.Parameters().ToList();

    /// <summary>Base samples for a batch: the data side of reverse KL. Seeded from the step's generator.</summary>
    public Tensor BaseSamples(long n, Generator generator)
    {
        using var scope = NewDisposeScope();
        long seed = randint(0, long.MaxValue, [1], dtype: int64, generator: generator).item<long>();
        return Flow.Base.Sample(n, 1.0, seed).MoveToOuterDisposeScope();
    }

    public Tensor Loss(Tensor z, Generator generator)
    {
        using var scope = NewDisposeScope();
        var (x, logDet) = Flow.Decode(z);
        return (Flow.Base.LogProb(z) - logDet - logTarget(x)).MoveToOuterDisposeScope();
    }

    public void Train(bool training) => Flow.Train(training);
    public void InitializeFromData(Tensor batch, Generator generator) { }
}
