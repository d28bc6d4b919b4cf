using FlowLive.Cli.Commands;
using FlowLive.Data;

namespace FlowLive.Tests.Cli;

/// <summary>`flowlive report`'s choice of images: every latent interpolation joins two real test images of different classes.</summary>
public sealed class ReportCommandTests
{
    static ImageDataset Labelled(params byte[] labels) =>
        new(new byte[labels.Length * 4], labels, 2, 2, Enumerable.Range(0, 10).Select(k => $"class {k}").ToArray(), "test");

    [Fact]
    public void Interpolation_pairs_cross_classes_even_when_neighbours_share_one()
    {
        // Fashion-MNIST's test split begins 9, 2, 1, 1, 6, ...: neighbours 2 and 3 are both trousers.
        var test = Labelled(9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5, 7, 3, 4, 1, 2, 4, 8, 0);
        var pairs = ReportCommand.DifferentClassPairs(test, 3);
        Assert.Equal([19, 2, 1, 13, 6, 8], pairs);
        for (int k = 0; k < 3; k++) Assert.NotEqual(test.Label(pairs[2 * k]), test.Label(pairs[2 * k + 1]));
    }

    [Fact]
    public void A_split_missing_a_class_is_named()
    {
        var error = Assert.Throws<InvalidDataException>(() => ReportCommand.DifferentClassPairs(Labelled(0, 1, 2, 3, 4, 4), 3));
        Assert.Contains("class 5", error.Message);
    }
}
