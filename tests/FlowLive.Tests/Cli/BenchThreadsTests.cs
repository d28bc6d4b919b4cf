using FlowLive.Cli;

namespace FlowLive.Tests.Cli;

/// <summary>--threads means the same to bench as to train: 0 is automatic, and counts read as English.</summary>
public sealed class BenchThreadsTests
{
    [Fact]
    public void Bench_takes_0_threads_as_automatic()
    {
        var run = CliRunner.Run("bench", "--flow", "nice", "--seconds", "0.02", "--batch-size", "32", "--threads", "0");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("threads automatic (1 thread for 2-D", run.Output);
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
    public void Automatic_threads_follow_the_kind_of_data()
    {
        Assert.Equal(1, ThreadCount.Resolve(0, images: false));
        Assert.Equal(Environment.ProcessorCount, ThreadCount.Resolve(0, images: true));
        Assert.Equal(3, ThreadCount.Resolve(3, images: false));
        Assert.Equal("1 thread", ThreadCount.Describe(1));
        Assert.Equal("2 threads", ThreadCount.Describe(2));
    }
}
