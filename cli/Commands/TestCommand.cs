using System.CommandLine;

namespace FlowLive.Cli.Commands;

/// <summary>Listed so that --help shows every command; the tests are run by the repository's ./flowlive script.</summary>
public static class TestCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("test", "run every test and print \"Tests: N passed, N failed, N skipped\" (run from the repository as ./flowlive test)");
        command.SetAction(_ =>
        {
            output.WriteLine("The tests run from a checkout of FlowLive: ./flowlive test (it builds and runs dotnet test on FlowLive.sln).");
            return Cli.ExitCodes.Usage;
        });
        return command;
    }
}
