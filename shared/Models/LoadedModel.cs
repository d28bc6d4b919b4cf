using FlowLive.Flows;

namespace FlowLive.Models;

/// <summary>A model read from disk: where from, its spec and its flow (which this object owns).</summary>
public sealed class LoadedModel(string path, ModelSpec spec, Flow flow) : IDisposable
{
    public string Path { get; } = path;
    public ModelSpec Spec { get; } = spec;
    public Flow Flow { get; } = flow;
    public void Dispose() => Flow.Dispose();
}
