namespace FlowLive.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017, arXiv:1708.07747): 28x28 grey images of clothing in 10 classes,
/// 60,000 for training and 10,000 for testing. Read in place from Debian's package dataset-fashion-mnist, which
/// installs the original gzip IDX files in <see cref="DefaultDirectory"/>; any directory with the same file names works.
/// </summary>
public static class FashionMnist
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";
    public const string DebianPackage = "dataset-fashion-mnist";
    public const string InstallCommand = "sudo apt-get install -y " + DebianPackage;
    public const int TrainCount = 60_000;
    public const int TestCount = 10_000;

    /// <summary>Class names by label, as in the dataset's documentation.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static bool IsInstalled(string directory = DefaultDirectory) => new DataDirectory(directory).HasAllSplits;

    /// <summary>The dataset's directory; throws <see cref="MissingPrerequisiteException"/> with the install command when it is incomplete.</summary>
    public static DataDirectory Locate(string directory = DefaultDirectory)
    {
        var data = new DataDirectory(directory);
        if (!data.HasAllSplits)
            throw new MissingPrerequisiteException($"Fashion-MNIST (Debian package {DebianPackage})", InstallCommand,
                                                   $"its IDX files are not all in '{data.Path}'");
        return data;
    }

    public static ImageDataset Load(DataSplit split, string directory = DefaultDirectory) =>
        Locate(directory).Load(split, ClassNames);
}
