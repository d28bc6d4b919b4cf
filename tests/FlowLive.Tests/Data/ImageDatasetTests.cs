using FlowLive.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Data;

public sealed class ImageDatasetTests : IDisposable
{
    readonly TempDirectory temp = new();
    public void Dispose() => temp.Dispose();

    /// <summary>Writes n images of h x w whose pixels encode (sample, position), labels i % 10.</summary>
    static (byte[] Images, byte[] Labels) WritePair(string imagesPath, string labelsPath, int n, int h = 28, int w = 28)
    {
        var images = new byte[n * h * w];
        for (int i = 0; i < images.Length; i++) images[i] = (byte)(i / (h * w) * 13 + i % 7);
        var labels = Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
        IdxWriter.Write(imagesPath, new IdxArray([n, h, w], images));
        IdxWriter.Write(labelsPath, new IdxArray([n], labels));
        return (images, labels);
    }

    [Fact]
    public void Loads_an_idx_pair_with_its_shape_and_labels()
    {
        var (images, labels) = WritePair(temp.File("i.gz"), temp.File("l"), 12, 4, 3);
        var set = ImageDataset.Load(temp.File("i.gz"), temp.File("l"), Mnist.ClassNames);
        Assert.Equal(12, set.Count);
        Assert.Equal((4, 3), (set.Height, set.Width));
        Assert.Equal([1L, 4, 3], set.SampleShape.Dims);
        Assert.Equal(images, set.Images.ToArray());
        Assert.Equal(labels, set.Labels.ToArray());
        Assert.Equal(images.AsSpan(5 * 12, 12).ToArray(), set.Image(5).ToArray());
        Assert.Equal(5, set.Label(5));
        Assert.Equal([2, 2, 1, 1, 1, 1, 1, 1, 1, 1], set.ClassCounts());
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        WritePair(temp.File("images"), temp.File("labels"), 5);
        IdxWriter.Write(temp.File("labels"), new IdxArray([4], new byte[4]));
        var e = Assert.Throws<DataFileException>(() => ImageDataset.Load(temp.File("images"), temp.File("labels"), Mnist.ClassNames));
        Assert.Contains(temp.File("labels"), e.Message);
        Assert.Contains("4 labels do not match the 5 images", e.Message);
    }

    [Fact]
    public void Rejects_wrong_ranks_and_labels_outside_the_classes()
    {
        WritePair(temp.File("images"), temp.File("labels"), 3);
        IdxWriter.Write(temp.File("flat"), new IdxArray([3, 784], new byte[3 * 784]));
        var e = Assert.Throws<DataFileException>(() => ImageDataset.Load(temp.File("flat"), temp.File("labels"), Mnist.ClassNames));
        Assert.Contains("[N, height, width], found [3, 784]", e.Message);

        e = Assert.Throws<DataFileException>(() => ImageDataset.Load(temp.File("images"), temp.File("images"), Mnist.ClassNames));
        Assert.Contains("labels must have dimensions [N], found [3, 28, 28]", e.Message);

        IdxWriter.Write(temp.File("labels"), new IdxArray([3], [1, 10, 2]));
        e = Assert.Throws<DataFileException>(() => ImageDataset.Load(temp.File("images"), temp.File("labels"), Mnist.ClassNames));
        Assert.Contains("label 10 at index 1 is outside the 10 classes", e.Message);
    }

    [Fact]
    public void Tensors_are_uint8_images_and_int64_labels()
    {
        WritePair(temp.File("images"), temp.File("labels"), 6);
        var set = ImageDataset.Load(temp.File("images"), temp.File("labels"), Mnist.ClassNames);
        using var images = set.ToTensor();
        using var labels = set.LabelsToTensor();
        Assert.Equal(ScalarType.Byte, images.dtype);
        Assert.Equal([6L, 1, 28, 28], images.shape);
        Assert.Equal(ScalarType.Int64, labels.dtype);
        Assert.Equal([0L, 1, 2, 3, 4, 5], labels.data<long>().ToArray());
        Assert.Equal(set.Image(4)[30], images[4, 0, 1, 2].ToByte());
        Assert.Equal(set.Images.ToArray(), images.data<byte>().ToArray());
    }

    [Fact]
    public void Subsets_copy_the_chosen_samples_in_order()
    {
        WritePair(temp.File("images"), temp.File("labels"), 20);
        var set = ImageDataset.Load(temp.File("images"), temp.File("labels"), Mnist.ClassNames);

        var range = set.Subset(3, 4);
        Assert.Equal(4, range.Count);
        Assert.Equal([3, 4, 5, 6], Enumerable.Range(0, 4).Select(range.Label));
        Assert.Equal(set.Image(6).ToArray(), range.Image(3).ToArray());

        var picked = set.Subset([17, 2, 17]);
        Assert.Equal([7, 2, 7], Enumerable.Range(0, 3).Select(picked.Label));
        Assert.Equal(set.Image(17).ToArray(), picked.Image(2).ToArray());

        Assert.Throws<ArgumentOutOfRangeException>(() => set.Subset(18, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Subset([20]));
    }

    [Theory]
    [InlineData("train-images-idx3-ubyte", "train-labels-idx1-ubyte")]
    [InlineData("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")]
    [InlineData("train-images.idx3-ubyte", "train-labels.idx1-ubyte")]
    [InlineData("train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz")]
    public void Data_directory_finds_the_original_mnist_names(string images, string labels)
    {
        WritePair(temp.File(images), temp.File(labels), 7);
        WritePair(temp.File("t10k-images-idx3-ubyte.gz"), temp.File("t10k-labels-idx1-ubyte.gz"), 3);
        var data = new DataDirectory(temp.Path);
        Assert.True(data.HasAllSplits);
        Assert.Equal((temp.File(images), temp.File(labels)), data.Find(DataSplit.Train));
        Assert.Equal(7, data.Count(DataSplit.Train));
        Assert.Equal(3, data.Count(DataSplit.Test));
        Assert.Equal(7, Mnist.Load(temp.Path, DataSplit.Train).Count);
    }

    [Fact]
    public void Data_directory_prefers_plain_files_and_names_what_it_looked_for()
    {
        WritePair(temp.File("t10k-images-idx3-ubyte"), temp.File("t10k-labels-idx1-ubyte"), 2);
        WritePair(temp.File("t10k-images-idx3-ubyte.gz"), temp.File("t10k-labels-idx1-ubyte.gz"), 3);
        var data = new DataDirectory(temp.Path);
        Assert.Equal(2, data.Count(DataSplit.Test));
        Assert.False(data.HasAllSplits);
        Assert.Null(data.TryFind(DataSplit.Train));

        var e = Assert.Throws<FileNotFoundException>(() => data.Find(DataSplit.Train));
        Assert.Contains(temp.Path, e.Message);
        Assert.Contains("train-images-idx3-ubyte, train-images.idx3-ubyte, train-images-idx3-ubyte.gz", e.Message);
    }
}
