namespace FlowLive.Tests.Cli;

public sealed class BenchServerTests
{
    [Fact]
    public void The_server_benchmark_runs_every_figure_at_a_tiny_size()
    {
        // No timing is asserted (figures drift with the machine's load); the command must run and report every row.
        var run = CliRunner.Run("bench", "--server", "--points", "300", "--requests", "25", "--seconds", "0.05");
        Assert.True(run.ExitCode == 0, run.Error);
        foreach (var row in new[] { "Sample ", "Trace ", "1 client", "8 clients", "64 clients", "live tensors on the compute threads after: 0" })
            Assert.Contains(row, run.Output);
    }

    [Fact]
    public void A_point_count_over_the_servers_cap_is_a_usage_error()
    {
        var run = CliRunner.Run("bench", "--server", "--points", "2000000");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--points", run.Error);
    }
}
