using FlowLive.Cli;
using FlowLive.Cli.Bench.Compute;

namespace FlowLive.Tests.Cli;

/// <summary>--threads means the same to bench as to train: 0 is automatic (by the size of the work), and counts read as English.</summary>
public sealed class BenchThreadsTests
{
    [Fact]
    public void Bench_takes_0_threads_as_automatic()
    {
        var run = CliRunner.Run("bench", "--flow", "nice", "--seconds", "0.02", "--batch-size", "32", "--threads", "0");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("threads automatic (by the size of each model's matrix products)", run.Output);
        Assert.DoesNotContain("1 threads", run.Output);
        Assert.Single(run.Output.Split('\n'), line => line.StartsWith("nice "));
    }

    [Fact]
    public void One_thread_is_singular_and_negative_counts_are_refused()
    {
        var one = CliRunner.Run("bench", "--flow", "nice", "--seconds", "0.02", "--batch-size", "32", "--threads", "1");
        Assert.True(one.ExitCode == 0, one.Error);
        Assert.Contains(", 1 thread,", one.Output);
        Assert.DoesNotContain("1 threads", one.Output);

        var negative = CliRunner.Run("bench", "--threads", "-1");
        Assert.Equal(2, negative.ExitCode);
        Assert.Contains("--threads", negative.Error);
    }

    [Fact]
    public void Automatic_threads_follow_the_size_of_the_matrix_products()
    {
        using var radboud = FlowLive.Flows.Architectures.SeedArchitectures.RadboudMoons().Build();
        using var keras = FlowLive.Flows.Architectures.SeedArchitectures.KerasRealNvp(couplings: 8, depth: 2).Build();
        // Radboud's widest layer is 16 x 16: too small to split even at batch 4,096; Keras's 256 x 256 splits at 128.
        Assert.Equal(16 * 16 * 4096, ThreadCount.LargestProduct(radboud.Module, 4096));
        Assert.Equal(1, ThreadCount.Resolve(0, ThreadCount.LargestProduct(radboud.Module, 4096)));
        Assert.Equal(Environment.ProcessorCount, ThreadCount.Resolve(0, ThreadCount.LargestProduct(keras.Module, 128)));
        using var glow = FlowLive.Flows.Architectures.Catalog.Get("glow").Create(FlowLive.Flows.Shape.Image(1, 8, 8),
            new FlowLive.Flows.Architectures.ArchitectureOptions { Levels = 1, Steps = 1 }).Build();
        Assert.Equal(Environment.ProcessorCount, ThreadCount.Resolve(0, ThreadCount.LargestProduct(glow.Module, 1)));
        Assert.Equal(3, ThreadCount.Resolve(3, ThreadCount.LargestProduct(radboud.Module, 128)));
        // Evaluated without gradients, the Radboud flow works in 16,384-row slices (4.2M multiply-adds a product): one thread.
        Assert.Equal(16_384, radboud.EvaluationSliceRows);
        Assert.Equal(1, ThreadCount.Resolve(0, ThreadCount.LargestProduct(radboud.Module, radboud.EvaluationSliceRows)));
        Assert.Equal("1 thread", ThreadCount.Describe(1));
        Assert.Equal("2 threads", ThreadCount.Describe(2));
    }

    [Theory]
    [InlineData("trace-radboud-4x16-100k", false)]
    [InlineData("grid-radboud-4x16-512", false)]
    [InlineData("trace-keras-8x256-100k", true)]
    [InlineData("grid-keras-8x256-512", true)]
    public void Evaluation_workloads_choose_threads_by_the_slices_the_flow_computes(string name, bool split)
    {
        // 100,000 or 262,144 rows, but each product is one slice's: the 4x16 flow's stay on one thread.
        using var prepared = ComputeWorkloads.Find(name)!.Prepare(WorkloadSize.Full);
        Assert.Equal(split ? Environment.ProcessorCount : 1, ThreadCount.Resolve(0, prepared.LargestProduct));
    }
}
