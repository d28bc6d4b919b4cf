using FlowLive.Flows;
using FlowLive.Models;

namespace FlowLive.Training;

/// <summary>A freshly trained flow with the model spec to save it under (metrics included); owns the flow.</summary>
public sealed record TrainedFlow(Flow Flow, ModelSpec Spec, TimeSpan Elapsed) : IDisposable
{
    public double Metric(string name) => Spec.Metrics[name];
    public void Dispose() => Flow.Dispose();
}
