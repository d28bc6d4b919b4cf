using System.Diagnostics;
using FlowLive.Flows;
using FlowLive.Models;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>A freshly trained flow with the model spec to save it under (metrics included); owns the flow.</summary>
public sealed record TrainedFlow(Flow Flow, ModelSpec Spec, TimeSpan Elapsed) : IDisposable
{
    public double Metric(string name) => Spec.Metrics[name];
    public void Dispose() => Flow.Dispose();

    /// <summary>
    /// Builds <paramref name="spec"/> on <paramref name="device"/> with initial weights drawn after seeding torch's global
    /// generator (so the same seed trains the same flow), lets <paramref name="train"/> fit it and name it with its own
    /// metrics, and adds the ones every run shares (steps, batch size, seconds). The flow is disposed if training fails.
    /// </summary>
    internal static TrainedFlow Create(FlowSpec spec, TrainingOptions options, Device device, Func<Flow, ModelSpec> train)
    {
        var clock = Stopwatch.StartNew();
        random.manual_seed(options.Seed);
        var flow = spec.Build().To(device, ScalarType.Float32);
        try
        {
            var model = train(flow);
            var metrics = new Dictionary<string, double>(model.Metrics)
            {
                ["steps"] = options.Steps,
                ["batch_size"] = options.BatchSize,
                ["seconds"] = clock.Elapsed.TotalSeconds,
            };
            return new TrainedFlow(flow, model with { Flow = flow.Spec, Metrics = metrics }, clock.Elapsed);
        }
        catch
        {
            flow.Dispose();
            throw;
        }
    }
}
