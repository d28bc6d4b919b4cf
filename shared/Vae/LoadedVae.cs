namespace FlowLive.Vae;

/// <summary>A VAE read from disk: where from, its spec and the model (which this object owns).</summary>
public sealed class LoadedVae(string path, VaeModelSpec spec, BernoulliVae vae) : IDisposable
{
    public string Path { get; } = path;
    public VaeModelSpec Spec { get; } = spec;
    public BernoulliVae Vae { get; } = vae;
    public void Dispose() => Vae.Dispose();
}
