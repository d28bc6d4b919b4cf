namespace FlowLive.Data;

/// <summary>
/// Tells MNIST digits from Fashion-MNIST clothes by their pixels, since both come as the same four IDX file names,
/// so that a folder of one is never trained on under the other's name. Digits are thin strokes on black: MNIST's
/// mean pixel is 0.1307 of full scale; clothes fill the frame: Fashion-MNIST's is 0.2860 (the normalisation constants
/// both datasets are commonly used with). Both files are shuffled across classes, so the mean of their first few
/// thousand images stays close to the dataset's, and <see cref="Threshold"/>, halfway, splits them.
/// </summary>
public static class DatasetIdentity
{
    public const double MnistMean = 0.1307;
    public const double FashionMnistMean = 0.2860;
    public const double Threshold = (MnistMean + FashionMnistMean) / 2;
    const int Sampled = 2000;

    /// <summary>The mean pixel of the first images (up to 2,000), on a 0..1 scale.</summary>
    public static double MeanPixel(ImageDataset data)
    {
        int count = Math.Min(data.Count, Sampled);
        if (count == 0) return double.NaN;
        long sum = 0;
        foreach (byte b in data.Images[..(count * data.PixelsPerImage)]) sum += b;
        return sum / (255.0 * count * data.PixelsPerImage);
    }

    /// <summary>"mnist" or "fashion-mnist", whichever <paramref name="data"/> looks like; null for no images.</summary>
    public static string? Guess(ImageDataset data)
    {
        double mean = MeanPixel(data);
        if (double.IsNaN(mean)) return null;
        return mean < Threshold ? DataPreparation.MnistName : DataPreparation.FashionMnistName;
    }

    /// <summary>
    /// Throws a <see cref="DataFileException"/> naming the images file when <paramref name="data"/> looks like the other
    /// dataset than <paramref name="name"/> says.
    /// </summary>
    public static void Check(string name, ImageDataset data)
    {
        string? guess = Guess(data);
        if (guess is null || string.Equals(guess, name, StringComparison.OrdinalIgnoreCase)) return;
        throw new DataFileException(data.Source,
            $"these look like {Describe(guess)} (mean pixel {MeanPixel(data):F3}; {Describe(DataPreparation.MnistName)} average " +
            $"{MnistMean}, {Describe(DataPreparation.FashionMnistName)} {FashionMnistMean}), not {Describe(name)}: " +
            $"point --data-dir at {Describe(name)}'s files, or train with --dataset {guess}");
    }

    static string Describe(string name) =>
        string.Equals(name, DataPreparation.FashionMnistName, StringComparison.OrdinalIgnoreCase) ? "Fashion-MNIST clothes" : "MNIST digits";
}
