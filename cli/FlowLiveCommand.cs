using System.CommandLine;
using FlowLive.Models;
using FlowLive.Cli.Commands;

namespace FlowLive.Cli;

/// <summary>
/// The root of the `flowlive` command line. Parse errors (unknown commands or flags, bad values) print a message
/// and exit 2; a failing command prints what went wrong and exits 1.
/// </summary>
public static class FlowLiveCommand
{
    public static RootCommand Create(TextWriter output)
    {
        var root = new RootCommand("FlowLive: train, inspect and render normalizing flows.")
        {
            DemoCommand.Create(output),
            TrainCommand.Create(output),
            PresetsCommand.Create(output),
            EvalCommand.Create(output),
            ScoreCommand.Create(output),
            VerifyCommand.Create(output),
            ReportCommand.Create(output),
            BundleCommand.Create(output),
            SampleCommand.Create(output),
            InfoCommand.Create(output),
            DataCommand.Create(output),
            BenchCommand.Create(output),
            ServeCommand.Create(output),
            ViewCommand.Create(output),
            RenderCommand.Create(output),
            TestCommand.Create(output),
        };
        return root;
    }

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = Create(output);
        var parsed = root.Parse(args);
        if (args.Length == 0)
        {
            parsed = root.Parse(["--help"]);
            parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
            return ExitCodes.Usage;
        }
        if (parsed.Errors.Count > 0)
        {
            // "Required command was not provided" only repeats what "Unrecognized command" already says.
            var problems = parsed.Errors.Select(NamingTheFlag).ToList();
            if (problems.Count > 1) problems.RemoveAll(m => m.StartsWith("Required command", StringComparison.Ordinal));
            foreach (var problem in problems) error.WriteLine($"flowlive: {problem}");
            error.WriteLine("flowlive: see `flowlive --help`");
            return ExitCodes.Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            error.WriteLine($"flowlive: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (FlowLive.Data.MissingPrerequisiteException e)
        {
            error.WriteLine($"flowlive: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is ModelFileException or Training.CheckpointException or Training.TrainingDivergedException)
        {
            error.WriteLine($"flowlive: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
        {
            error.WriteLine($"flowlive: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            // Anything else is a bug or an environment FlowLive did not foresee: say what, and how to see where.
            error.WriteLine($"flowlive: unexpected {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("FLOWLIVE_DEBUG") == "1") error.WriteLine(e);
            else error.WriteLine("flowlive: set FLOWLIVE_DEBUG=1 for the stack trace");
            return ExitCodes.Failure;
        }
    }

    /// <summary>A parse error's message with the flag it is about in front (System.CommandLine leaves it out of, e.g., "Argument 'x' not recognized").</summary>
    private static string NamingTheFlag(System.CommandLine.Parsing.ParseError error)
    {
        var option = error.SymbolResult switch
        {
            System.CommandLine.Parsing.OptionResult o => o.Option,
            System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option,
            _ => null,
        };
        return option is null || error.Message.Contains(option.Name, StringComparison.Ordinal) ? error.Message : $"{option.Name}: {error.Message}";
    }
}
