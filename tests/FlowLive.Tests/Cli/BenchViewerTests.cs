using FlowLive.Tests.Viewer.Graphics;

namespace FlowLive.Tests.Cli;

public sealed class BenchViewerTests
{
    [SkippableFact]
    public void The_viewer_benchmark_runs_at_a_tiny_size()
    {
        HeadlessGl.SkipUnlessAvailable();
        var run = CliRunner.Run("bench", "--viewer", "--points", "2000", "--seconds", "0.1");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("2,000", run.Output);
        Assert.Matches(@"2,000 .+ (cpu|gpu) +\d+\.\d\d", run.Output);
    }
}
