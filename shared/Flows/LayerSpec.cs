namespace FlowLive.Flows;

/// <summary>
/// The declarative description of one layer: everything needed to build it again, except its learned weights.
/// Model files store specs as JSON (the "kind" names the layer; see <see cref="SpecKindAttribute"/>).
/// Random choices (masks, permutations) live in the spec, so a saved model never draws them again.
/// </summary>
public abstract record LayerSpec
{
    /// <summary>Per-sample shape of the layer's base-side input (what <see cref="FlowLayer.Forward"/> takes).</summary>
    public required Shape Shape { get; init; }

    /// <summary>Builds a fresh layer (new, untrained weights) from this spec.</summary>
    public abstract FlowLayer Build();
}

/// <summary>Names a concrete layer or base spec in model files (the JSON "kind"). Names never change once released.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SpecKindAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
