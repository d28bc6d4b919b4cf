using FlowLive.Flows.Bases;

namespace FlowLive.Flows;

/// <summary>A whole flow, declaratively: base distribution, layers in generative order (base side first), data shape.</summary>
public sealed record FlowSpec
{
    public required BaseSpec Base { get; init; }
    public required IReadOnlyList<LayerSpec> Layers { get; init; }

    /// <summary>Builds the flow with fresh weights; shapes are checked here.</summary>
    public Flow Build() => new(Base.Build(), Layers.Select(l => l.Build()));
}
