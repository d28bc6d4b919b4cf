namespace FlowLive.Tests.Support;

/// <summary>
/// Tests that need torch's global generator to themselves (same seed, same initial weights) run in this collection,
/// which xunit runs alone: other tests building layers in parallel would otherwise draw from it in between.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRandomCollection
{
    public const string Name = "torch global generator";
}
