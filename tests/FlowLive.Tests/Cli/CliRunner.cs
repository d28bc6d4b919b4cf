using FlowLive.Cli;

namespace FlowLive.Tests.Cli;

/// <summary>Runs the flowlive command line in-process and captures what it prints.</summary>
public static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Output, string Error);

    public static Outcome Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = FlowLiveCommand.Run(args, output, error);
        return new Outcome(code, output.ToString(), error.ToString());
    }
}
