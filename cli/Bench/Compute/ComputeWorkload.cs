namespace FlowLive.Cli.Bench.Compute;

/// <summary>Full: the sizes the performance issue names. Tiny: the same calls on a few rows, so a test can run them all.</summary>
public enum WorkloadSize { Full, Tiny }

/// <summary>
/// One workload of `flowlive bench`: a name shared with the PyTorch script (cli/Bench/Compute/pytorch_workloads.py),
/// what it does, and how to set it up at a size.
/// </summary>
public sealed record ComputeWorkload(string Name, string Description, Func<WorkloadSize, PreparedWorkload> Prepare);

/// <summary>
/// A workload ready to time: the call, its model's weight count (the PyTorch side must report the same, or the two
/// are not the same model) and the floating-point operations of its matrix products, which the FLOP floor divides
/// by the machine's sgemm rate. Disposing frees the model, optimizer and data.
/// </summary>
public sealed class PreparedWorkload(Action call, long parameters, double flops, long largestProduct, params IDisposable[] owned) : IDisposable
{
    public long Parameters => parameters;
    public double Flops => flops;
    /// <summary>Multiply-adds of the call's largest matrix product: what automatic --threads goes by.</summary>
    public long LargestProduct => largestProduct;

    public void Call() => call();

    public void Dispose()
    {
        foreach (var o in owned.Reverse()) o.Dispose();
    }
}
