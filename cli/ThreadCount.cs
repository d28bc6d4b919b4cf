using FlowLive.Flows.Nets;
using System.CommandLine;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Cli;

/// <summary>
/// The --threads flag, one meaning everywhere: 0 (the default) is automatic, any other value is taken as given.
/// Automatic follows the size of the work, not the kind of data: libtorch (as TorchSharp ships it, with MKL and GNU
/// OpenMP) opens an OpenMP parallel region even for tiny matrix products and for vectorised maths from 2,048
/// elements, and every region waits for each thread of the team. Where a step's largest matrix product is small, those
/// waits cost more than the split saves (the Radboud 4x16 flow: 3.8 ms a step on one thread, 5.7 on two; 17 ms when
/// another process keeps the second core busy, since a descheduled team thread holds up every region), so automatic
/// means one thread below <see cref="SplitThreshold"/> multiply-adds and every core from there (measured in
/// docs/performance.md; `flowlive bench` shows both).
/// </summary>
public static class ThreadCount
{
    public const string Description = "CPU threads for libtorch; 0 = automatic (every core when the model's matrix products are big enough to split, else 1)";

    /// <summary>
    /// Multiply-adds in one call's largest matrix product from which splitting it over the cores pays. Measured: 1M
    /// (the Radboud flow at batch 4,096) and 4.2M (its 16,384-row evaluation slices: a 100,000-point Trace 13.3 against
    /// 15.8 ms, a 512 x 512 grid 39.3 against 42.8) are faster on one thread; 8.4M (the Keras flow at batch 128) on two.
    /// </summary>
    public const long SplitThreshold = 6L << 20;

    public static Option<int> Option()
    {
        var option = new Option<int>("--threads") { Description = Description, DefaultValueFactory = _ => 0 };
        option.Validators.Add(result =>
        {
            if (CommonOptions.Parsed<int>(result) is int value && value < 0) result.AddError("--threads must be 0 (automatic) or more");
        });
        return option;
    }

    /// <summary>The threads for a request of <paramref name="requested"/> (0 = automatic) whose largest matrix product is <paramref name="largestProduct"/> multiply-adds.</summary>
    public static int Resolve(int requested, long largestProduct) =>
        requested > 0 ? requested : largestProduct >= SplitThreshold ? Environment.ProcessorCount : 1;

    /// <summary>
    /// Multiply-adds of the largest matrix product one call on <paramref name="rows"/> rows makes: the widest linear
    /// layer times the rows. A convolution works on every pixel, so convolutional nets always count as big.
    /// </summary>
    public static long LargestProduct(nn.Module model, long rows)
    {
        if (model.modules().Any(m => m is Conv2d)) return long.MaxValue;
        long widest = DenseLayers.Shapes(model).Select(l => l.Inputs * l.Outputs).DefaultIfEmpty(0).Max();
        return widest * rows;
    }

    /// <summary>
    /// Sets libtorch's thread count for work whose largest matrix product is <paramref name="largestProduct"/>
    /// multiply-adds (<paramref name="requested"/> 0 = automatic), once for this process (a command is one process),
    /// before the work starts; returns the count set.
    /// </summary>
    public static int Apply(int requested, long largestProduct)
    {
        int threads = Resolve(requested, largestProduct);
        set_num_threads(threads);
        return threads;
    }

    /// <summary><see cref="Apply(int, long)"/> for a prepared training run: its flow at its batch size.</summary>
    public static int ApplyFor(int requested, FlowLive.Training.TrainingRun run) =>
        Apply(requested, LargestProduct(run.Flow.Module, run.Request.Training.BatchSize));

    /// <summary>A VAE's encoder and decoder are 784-wide MLPs: always big enough to split.</summary>
    public const long VaeProduct = long.MaxValue;

    /// <summary>"1 thread", "2 threads".</summary>
    public static string Describe(int threads) => threads == 1 ? "1 thread" : $"{threads} threads";
}
