namespace FlowLive.Flows.Bases;

/// <summary>The declarative description of a base distribution, stored in model files ("kind" names it).</summary>
public abstract record BaseSpec
{
    public required Shape Shape { get; init; }
    public abstract BaseDistribution Build();
}
