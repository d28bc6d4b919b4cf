using FlowLive.Data;

namespace FlowLive.Tests.Data;

public sealed class FashionMnistTests
{
    [FactRequiringFashionMnist]
    public void Reads_the_debian_package_in_place()
    {
        var train = FashionMnist.Load(DataSplit.Train);
        var test = FashionMnist.Load(DataSplit.Test);
        Assert.Equal(FashionMnist.TrainCount, train.Count);
        Assert.Equal(FashionMnist.TestCount, test.Count);
        Assert.Equal((28, 28), (train.Height, train.Width));
        // Every label is one of the ten classes, each with a tenth of the images.
        Assert.All(train.ClassCounts(), c => Assert.Equal(6000, c));
        Assert.All(test.ClassCounts(), c => Assert.Equal(1000, c));
        Assert.Equal(9, train.Labels.ToArray().Max());
        Assert.StartsWith(FashionMnist.DefaultDirectory, train.Source);
    }

    [Fact]
    public void Has_the_ten_class_names_in_label_order()
    {
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
                     FashionMnist.ClassNames);
    }

    [Fact]
    public void A_missing_directory_gives_the_install_command()
    {
        string absent = Path.Combine(Path.GetTempPath(), $"flowlive-no-fashion-{Guid.NewGuid():N}");
        Assert.False(FashionMnist.IsInstalled(absent));
        var e = Assert.Throws<MissingPrerequisiteException>(() => FashionMnist.Load(DataSplit.Test, absent));
        Assert.Contains("sudo apt-get install -y dataset-fashion-mnist", e.Message);
        Assert.Contains(absent, e.Message);
    }
}
