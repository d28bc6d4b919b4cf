using System.CommandLine;

namespace FlowLive.Cli;

/// <summary>
/// The --threads flag, one meaning everywhere: 0 (the default) is automatic, 1 thread for 2-D data (whose tiny
/// tensors ran ten times slower on more threads here) and every core for images; any other value is taken as given.
/// </summary>
public static class ThreadCount
{
    public const string Description = "CPU threads for libtorch; 0 = automatic (1 for 2-D data, whose tiny tensors run slower on more; every core for images)";

    public static Option<int> Option()
    {
        var option = new Option<int>("--threads") { Description = Description, DefaultValueFactory = _ => 0 };
        option.Validators.Add(result =>
        {
            if (CommonOptions.Parsed<int>(result) is int value && value < 0) result.AddError("--threads must be 0 (automatic) or more");
        });
        return option;
    }

    /// <summary>The threads to use for a request of <paramref name="requested"/> (0 = automatic) on images or 2-D data.</summary>
    public static int Resolve(int requested, bool images) => requested > 0 ? requested : images ? Environment.ProcessorCount : 1;

    /// <summary>Sets libtorch's thread count once for this process (a command is one process), before any work.</summary>
    public static void Apply(int requested, bool images)
    {
        if (requested < 0) throw new UsageException("--threads", "must be 0 (automatic) or more");
        TorchSharp.torch.set_num_threads(Resolve(requested, images));
    }

    /// <summary>"1 thread", "2 threads".</summary>
    public static string Describe(int threads) => threads == 1 ? "1 thread" : $"{threads} threads";
}
