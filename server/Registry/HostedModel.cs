using FlowLive.Flows;
using FlowLive.Imaging;
using FlowLive.Models;
using FlowLive.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using static TorchSharp.torch;

namespace FlowLive.Server.Registry;

/// <summary>
/// One model as the server hosts it: the loaded flow (on the compute device, in evaluation mode) with its description,
/// or the reason it could not be served. A request leases the model for as long as it computes with it, so a reload
/// that replaces the file never disposes a flow under a running stream: the old flow goes when its last lease ends.
/// </summary>
public sealed class HostedModel
{
    private readonly object gate = new();
    private int leases;
    private bool retired;

    private readonly LoadedModel? loaded;

    private HostedModel(string name, string path, string sha256, DateTimeOffset loadedAt, LoadedModel? loaded, string? error)
    {
        (Name, Path, Sha256, LoadedAt, this.loaded, Error) = (name, path, sha256, loadedAt, loaded, error);
        Info = Describe();
    }

    public static HostedModel Serving(string name, string path, string sha256, LoadedModel loaded) =>
        new(name, path, sha256, DateTimeOffset.UtcNow, loaded, null);

    public static HostedModel Failed(string name, string path, string sha256, string error) =>
        new(name, path, sha256, DateTimeOffset.UtcNow, null, error);

    public string Name { get; }
    public string Path { get; }
    public string Sha256 { get; }
    public DateTimeOffset LoadedAt { get; }
    public string? Error { get; }
    public bool IsServing => loaded is not null;
    public ModelInfo Info { get; }

    /// <summary>The model as loaded (spec and flow), for compute work under a lease; throws for a failed model.</summary>
    internal LoadedModel Loaded => loaded ?? throw new InvalidOperationException($"model '{Name}' is not serving: {Error}");

    /// <summary>The flow, for compute work under a lease; throws for a failed model.</summary>
    public Flow Flow => Loaded.Flow;
    public Shape DataShape => Flow.DataShape;
    public Shape LatentShape => Flow.LatentShape;
    public bool Invertible => Info.Invertible;

    /// <summary>
    /// The density grids' default window (<see cref="Compute.Densities.DefaultWindow"/>) once a request computed it.
    /// Requests racing to it compute the same window (a seeded draw), so the last write wins harmlessly.
    /// </summary>
    internal GridWindow? DefaultWindow { get; set; }

    /// <summary>Takes a lease, or null when the model has been replaced or removed meanwhile (the caller looks again).</summary>
    public IDisposable? TryLease()
    {
        lock (gate)
        {
            if (retired) return null;
            leases++;
            return new Lease(this);
        }
    }

    /// <summary>No new leases; the flow is disposed once the running ones end.</summary>
    internal void Retire()
    {
        bool disposeNow;
        lock (gate)
        {
            retired = true;
            disposeNow = leases == 0;
        }
        if (disposeNow) loaded?.Dispose();
    }

    private void Release()
    {
        bool disposeNow;
        lock (gate)
        {
            leases--;
            disposeNow = retired && leases == 0;
        }
        if (disposeNow) loaded?.Dispose();
    }

    private sealed class Lease(HostedModel model) : IDisposable
    {
        private int released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) model.Release();
        }
    }

    private ModelInfo Describe()
    {
        var info = new ModelInfo
        {
            Name = Name,
            FilePath = Path,
            Sha256 = Sha256,
            LoadedAt = Timestamp.FromDateTimeOffset(LoadedAt),
            Status = loaded is null ? ModelStatus.Failed : ModelStatus.Serving,
            Error = Error ?? "",
        };
        if (loaded is null) return info;
        var flow = loaded.Flow;
        var spec = loaded.Spec;
        info.DataKind = flow.DataShape.IsImage ? DataKind.Image : DataKind.Points;
        info.DataShape.AddRange(flow.DataShape.Dims);
        info.LatentShape.AddRange(flow.LatentShape.Dims);
        info.Base = new BaseInfo { Kind = SpecJson.KindOf(flow.Base.Spec.GetType()) };
        info.Base.Shape.AddRange(flow.Base.Shape.Dims);
        int index = 0;
        foreach (var layer in flow.Layers)
        {
            index++;
            string kind = SpecJson.KindOf(layer.Spec.GetType());
            var layerInfo = new LayerInfo
            {
                Index = index,
                Name = $"{index}:{kind}",
                Kind = kind,
                HasInverse = layer.HasInverse,
                ExactLogDet = !layer.HasStochasticLogDet,
                ParameterCount = layer.parameters().Where(p => p.requires_grad).Sum(p => p.numel()),
            };
            layerInfo.InputShape.AddRange(layer.LatentShape.Dims);
            layerInfo.OutputShape.AddRange(layer.DataShape.Dims);
            info.Layers.Add(layerInfo);
        }
        info.Dataset = spec.Dataset ?? "";
        info.Preset = spec.Preset ?? "";
        foreach (var (key, value) in spec.Metrics) info.Metrics[key] = value;
        info.ExactLogDet = !flow.HasStochasticLogDet;
        info.Invertible = flow.HasInverse;
        info.CreatedAt = Timestamp.FromDateTimeOffset(spec.CreatedUtc);
        info.ParameterCount = flow.WeightCount;
        info.PixelScale = flow.DataShape.IsImage ? 1.0 : 0.0;
        return info;
    }
}
