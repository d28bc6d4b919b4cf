using FlowLive.Flows;
using static TorchSharp.torch;

namespace FlowLive.Data;

/// <summary>
/// Grey-scale images [N, 1, H, W] as bytes 0..255, with one label byte per image: MNIST and Fashion-MNIST.
/// The bytes are kept as they are; turning them into continuous data (dequantization, scaling) is the model's
/// business, so <see cref="ToTensor"/> hands out uint8.
/// </summary>
public sealed class ImageDataset
{
    readonly byte[] images;
    readonly byte[] labels;

    /// <summary>Wraps the arrays without copying: the dataset owns them from here on.</summary>
    public ImageDataset(byte[] images, byte[] labels, int height, int width, IReadOnlyList<string> classNames, string source)
    {
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"ImageDataset: image size must be positive, got {height}x{width}");
        if (images.LongLength != (long)labels.Length * height * width)
            throw new ArgumentException($"ImageDataset: {labels.Length} labels need {(long)labels.Length * height * width} " +
                                        $"image bytes of {height}x{width}, got {images.LongLength}");
        int bad = Array.FindIndex(labels, l => l >= classNames.Count);
        if (bad >= 0)
            throw new ArgumentException($"ImageDataset ({source}): label {labels[bad]} at index {bad} is outside the " +
                                        $"{classNames.Count} classes");
        this.images = images;
        this.labels = labels;
        Height = height;
        Width = width;
        ClassNames = classNames;
        Source = source;
    }

    /// <summary>
    /// Loads an IDX pair: images [N, H, W] and labels [N]. N must agree and every label must name a class.
    /// </summary>
    public static ImageDataset Load(string imagesPath, string labelsPath, IReadOnlyList<string> classNames)
    {
        var imageArray = IdxReader.Read(imagesPath);
        var labelArray = IdxReader.Read(labelsPath);
        if (imageArray.Dims.Count != 3)
            throw new DataFileException(imagesPath, $"images must have dimensions [N, height, width], found {IdxReader.Format(imageArray.Dims)}");
        if (labelArray.Dims.Count != 1)
            throw new DataFileException(labelsPath, $"labels must have dimensions [N], found {IdxReader.Format(labelArray.Dims)}");
        if (imageArray.Count != labelArray.Count)
            throw new DataFileException(labelsPath, $"{labelArray.Count} labels do not match the {imageArray.Count} images of '{imagesPath}'");
        int bad = Array.FindIndex(labelArray.Data, l => l >= classNames.Count);
        if (bad >= 0)
            throw new DataFileException(labelsPath, $"label {labelArray.Data[bad]} at index {bad} is outside the {classNames.Count} classes");
        return new ImageDataset(imageArray.Data, labelArray.Data, imageArray.Dims[1], imageArray.Dims[2], classNames, imagesPath);
    }

    public int Count => labels.Length;
    public int Height { get; }
    public int Width { get; }
    public int PixelsPerImage => Height * Width;
    /// <summary>Per-sample shape as the flows see it: [1, H, W].</summary>
    public Shape SampleShape => new(1, Height, Width);
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>Where the images came from (a file path, or a description for subsets).</summary>
    public string Source { get; }

    /// <summary>Image bytes of all samples, [N, H, W] row-major.</summary>
    public ReadOnlySpan<byte> Images => images;
    public ReadOnlySpan<byte> Labels => labels;
    public ReadOnlySpan<byte> Image(int index) => images.AsSpan(checked(index * PixelsPerImage), PixelsPerImage);
    public int Label(int index) => labels[index];

    /// <summary>Number of samples per class, indexed by label.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassNames.Count];
        foreach (byte l in labels) counts[l]++;
        return counts;
    }

    /// <summary>Samples start..start+count-1, copied.</summary>
    public ImageDataset Subset(int start, int count)
    {
        if (start < 0 || count < 0 || start > Count - count)
            throw new ArgumentOutOfRangeException(nameof(count), $"ImageDataset: samples {start}..{start + count - 1} are outside 0..{Count - 1}");
        return Subset(Enumerable.Range(start, count).ToArray());
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order, copied.</summary>
    public ImageDataset Subset(IReadOnlyList<int> indices)
    {
        var subImages = new byte[(long)indices.Count * PixelsPerImage];
        var subLabels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"ImageDataset: index {index} is outside 0..{Count - 1}");
            Image(index).CopyTo(subImages.AsSpan(i * PixelsPerImage, PixelsPerImage));
            subLabels[i] = labels[index];
        }
        return new ImageDataset(subImages, subLabels, Height, Width, ClassNames, $"subset of {indices.Count} from {Source}");
    }

    /// <summary>Images as uint8 [N, 1, H, W] on the CPU, the raw bytes 0..255 (dequantize before using them as densities).</summary>
    public Tensor ToTensor() => tensor(images, [Count, 1, Height, Width]);

    /// <summary>Labels as int64 [N] on the CPU.</summary>
    public Tensor LabelsToTensor()
    {
        using var bytes = tensor(labels, [Count]);
        return bytes.to(int64);
    }

    public override string ToString() => $"{Count} images {Height}x{Width}, {ClassNames.Count} classes, from {Source}";
}
