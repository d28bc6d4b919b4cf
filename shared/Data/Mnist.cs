namespace FlowLive.Data;

/// <summary>
/// MNIST handwritten digits in the standard IDX files: the original download (60,000 + 10,000 images) or the
/// 10,000-digit set that <see cref="MnistFromNpm"/> converts. Labels are the digits 0..9.
/// </summary>
public static class Mnist
{
    public static IReadOnlyList<string> ClassNames { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Loads a split from a directory holding the standard file names (see <see cref="DataDirectory"/>).</summary>
    public static ImageDataset Load(string directory, DataSplit split) => new DataDirectory(directory).Load(split, ClassNames);
}
