using FlowLive.Flows;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows;

/// <summary>
/// One layer configuration that the contract theory (<see cref="LayerContractTests"/>) checks.
/// Cases come from classes implementing <see cref="ILayerCases"/>, found by reflection; every layer kind needs one.
/// </summary>
public sealed record LayerCase(string Name, LayerSpec Spec)
{
    /// <summary>Base-side inputs [batch, ..shape] in float64; standard normal when absent. Data-side inputs are Forward's outputs.</summary>
    public Func<long, Generator, Tensor>? LatentSampler { get; init; }

    /// <summary>Largest allowed |F^-1(F(z)) - z| (iterative inverses may need more than the default).</summary>
    public double RoundTripTolerance { get; init; } = 1e-6;

    /// <summary>Largest allowed |logdet - log|det J|| (stochastic log-dets state theirs).</summary>
    public double LogDetTolerance { get; init; } = 1e-6;

    /// <summary>Scale of the random perturbation given to every parameter, so zero-initialised layers are not the identity.</summary>
    public double Perturbation { get; init; } = 0.1;

    /// <summary>Parameters (by name) that legitimately get no gradient from one batch.</summary>
    public IReadOnlySet<string> ParametersWithoutGradient { get; init; } = new HashSet<string>();

    public override string ToString() => Name;
}

/// <summary>A source of layer cases; implement it in tests/FlowLive.Tests/Flows/Cases, one class per family of layers.</summary>
public interface ILayerCases
{
    IEnumerable<LayerCase> Cases();
}
