using FlowLive.Data;
using FlowLive.Cli;
using FlowLive.Tests.Cli;

namespace FlowLive.Tests.Data;

/// <summary>
/// Where `train` and `data` find image datasets, and what they refuse: images of the wrong size or of the other
/// dataset, each naming the file; a truncated leftover beside a good file is passed over, not re-converted every run.
/// </summary>
public sealed class DatasetLocationTests : IDisposable
{
    readonly TempDirectory temp = new();
    public void Dispose() => temp.Dispose();

    /// <summary>A standard four-file directory of <paramref name="n"/> images whose mean pixel is about <paramref name="mean"/>.</summary>
    static void WriteDataset(string directory, double mean, int n = 40, int side = 28, bool gzip = true)
    {
        Directory.CreateDirectory(directory);
        foreach (var split in new[] { DataSplit.Train, DataSplit.Test })
        {
            var pixels = new byte[n * side * side];
            var random = new Random(split == DataSplit.Train ? 1 : 2);
            for (int i = 0; i < pixels.Length; i++) pixels[i] = random.NextDouble() < mean ? (byte)255 : (byte)0;
            var labels = Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
            string images = Path.Combine(directory, DataDirectory.StandardName(split, labels: false));
            string labelsPath = Path.Combine(directory, DataDirectory.StandardName(split, labels: true));
            if (!gzip) { images = images[..^3]; labelsPath = labelsPath[..^3]; }
            IdxWriter.Write(images, new IdxArray([n, side, side], pixels), gzip);
            IdxWriter.Write(labelsPath, new IdxArray([n], labels), gzip);
        }
    }

    static string Plain(string directory, DataSplit split, bool labels) =>
        Path.Combine(directory, DataDirectory.StandardName(split, labels)[..^3]);

    [Fact]
    public void A_truncated_plain_file_beside_a_good_gz_is_passed_over_and_named()
    {
        WriteDataset(temp.Path, mean: 0.13);
        string gz = Path.Combine(temp.Path, DataDirectory.StandardName(DataSplit.Train, labels: false));
        string plain = Plain(temp.Path, DataSplit.Train, labels: false);
        File.WriteAllBytes(plain, IdxWriter.Encode(new IdxArray([40, 28, 28], new byte[40 * 784]))[..1000]);
        Assert.False(IdxReader.IsComplete(plain));
        Assert.True(IdxReader.IsComplete(gz));

        var directory = new DataDirectory(temp.Path);
        Assert.Equal(gz, directory.Find(DataSplit.Train).Images);
        Assert.Contains(directory.Skipped, note => note.Contains(plain) && note.Contains("incomplete"));

        var log = new StringWriter();
        var (train, _) = ImageDatasets.Load("mnist", temp.Path, log);
        Assert.Equal(40, train.Count);
        Assert.Contains(plain, log.ToString());
    }

    [Fact]
    public void A_complete_plain_file_is_still_preferred()
    {
        WriteDataset(temp.Path, mean: 0.13);
        WriteDataset(temp.Path, mean: 0.13, n: 20, gzip: false);
        var directory = new DataDirectory(temp.Path);
        Assert.Equal(Plain(temp.Path, DataSplit.Train, labels: false), directory.Find(DataSplit.Train).Images);
        Assert.Empty(directory.Skipped);
    }

    [Fact]
    public void Prepared_mnist_with_a_truncated_leftover_is_not_converted_again()
    {
        string output = MnistFromNpm.OutputDirectory(temp.Path);
        WriteDataset(output, mean: 0.13);
        string plain = Plain(output, DataSplit.Test, labels: true);
        File.WriteAllBytes(plain, [0, 0, 8, 1, 0, 0]);

        // No npm and no package: a re-conversion would throw, so passing means the good .gz files were used.
        var log = new List<string>();
        var data = MnistFromNpm.Prepare(temp.Path, log.Add, npm: Path.Combine(temp.Path, "no-npm"));
        Assert.Contains(log, line => line.Contains("nothing to do"));
        Assert.Contains(log, line => line.Contains(plain));
        Assert.Equal(40, data.Count(DataSplit.Test));
    }

    [Fact]
    public void Images_of_13x13_are_refused_naming_the_file_and_the_size_needed()
    {
        WriteDataset(temp.Path, mean: 0.13, side: 13);
        var e = Assert.Throws<DataFileException>(() => ImageDatasets.Load("mnist", temp.Path, TextWriter.Null));
        Assert.Contains(DataDirectory.StandardName(DataSplit.Train, labels: false), e.Message);
        Assert.Contains("13x13", e.Message);
        Assert.Contains("28x28", e.Message);

        var set = new DataDirectory(temp.Path).Load(DataSplit.Train, Mnist.ClassNames);
        var shrink = Assert.Throws<DataFileException>(() => set.DownscaleTo(14));
        Assert.Contains(set.Source, shrink.Message);
        Assert.Contains("multiple of 14", shrink.Message);
        Assert.Contains("cannot shrink the 13x13 images", Assert.Throws<ArgumentException>(() => set.Downscale(0)).Message);
    }

    [Fact]
    public void Train_on_13x13_images_exits_1_naming_the_file()
    {
        WriteDataset(temp.Path, mean: 0.13, side: 13);
        var run = CliRunner.Run("train", "--dataset", "mnist", "--flow", "glow", "--data-dir", temp.Path, "--steps", "1",
            "--out", temp.File("m.flow"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(temp.Path, run.Error);
        Assert.Contains("28x28", run.Error);
        Assert.DoesNotContain("unexpected", run.Error);
    }

    [Theory]
    [InlineData("fashion-mnist", 0.13, "MNIST digits")]
    [InlineData("mnist", 0.3, "Fashion-MNIST clothes")]
    public void A_folder_of_the_other_dataset_is_refused_naming_what_it_holds(string name, double mean, string holds)
    {
        WriteDataset(temp.Path, mean);
        var e = Assert.Throws<DataFileException>(() => ImageDatasets.Load(name, temp.Path, TextWriter.Null));
        Assert.Contains(temp.Path, e.Message);
        Assert.Contains($"look like {holds}", e.Message);
        Assert.Contains("--data-dir", e.Message);
    }

    [Fact]
    public void The_right_dataset_in_the_folder_loads()
    {
        WriteDataset(temp.Path, mean: 0.3);
        var (train, test) = ImageDatasets.Load("fashion-mnist", temp.Path, TextWriter.Null);
        Assert.Equal((40, 40), (train.Count, test.Count));
        Assert.Equal(FashionMnist.ClassNames, train.ClassNames);
    }

    [Fact]
    public void Data_and_train_find_fashion_mnist_in_the_same_subfolder()
    {
        string own = DatasetLocator.Subfolder(temp.Path, DataPreparation.FashionMnistName);
        WriteDataset(own, mean: 0.3);
        var summary = DataPreparation.PrepareAll(temp.Path, fashionDirectory: temp.File("no-debian-package"), npm: temp.File("no-npm"));
        var status = summary[DataPreparation.FashionMnistName];
        Assert.True(status.Ready, status.Problem);
        Assert.Equal(Path.GetFullPath(own), status.Directory);

        var log = new StringWriter();
        ImageDatasets.Load("fashion-mnist", temp.Path, log);
        Assert.Contains(Path.GetFullPath(own), log.ToString());
    }

    [FactRequiringFashionMnist]
    public void Debians_fashion_mnist_is_recognised_as_clothes()
    {
        var train = FashionMnist.Load(DataSplit.Train);
        Assert.Equal(DataPreparation.FashionMnistName, DatasetIdentity.Guess(train));
        Assert.InRange(DatasetIdentity.MeanPixel(train), DatasetIdentity.FashionMnistMean - 0.03, DatasetIdentity.FashionMnistMean + 0.03);
    }
}
