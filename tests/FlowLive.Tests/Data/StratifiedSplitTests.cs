using FlowLive.Data;

namespace FlowLive.Tests.Data;

public sealed class StratifiedSplitTests
{
    /// <summary>
    /// The digits' order in small: classes interleaved round-robin until the small ones run out, so the tail is all
    /// of the big classes. Class c has sizes[c] images; each image's one pixel is its index (mod 256).
    /// </summary>
    static ImageDataset RoundRobin(params int[] sizes)
    {
        var labels = new List<byte>();
        for (int round = 0; round < sizes.Max(); round++)
            for (int c = 0; c < sizes.Length; c++)
                if (round < sizes[c]) labels.Add((byte)c);
        var images = Enumerable.Range(0, labels.Count).Select(i => (byte)i).ToArray();
        var names = Enumerable.Range(0, sizes.Length).Select(c => c.ToString()).ToArray();
        return new ImageDataset(images, labels.ToArray(), 1, 1, names, "round robin");
    }

    [Fact]
    public void Every_class_gives_its_share_where_the_tail_would_hold_only_the_biggest_classes()
    {
        var set = RoundRobin(100, 200, 50, 150);
        var (kept, held) = StratifiedSplit.HoldOut(set, 100);
        Assert.Equal([20, 40, 10, 30], held.ClassCounts());
        Assert.Equal([80, 160, 40, 120], kept.ClassCounts());
        // What the old rule (the last 100) held out: no image of classes 0 and 2.
        Assert.Equal([0, 75, 0, 25], set.Subset(set.Count - 100, 100).ClassCounts());
    }

    [Fact]
    public void Kept_and_held_partition_the_set_each_in_its_order()
    {
        var set = RoundRobin(7, 13, 5);
        var (kept, held) = StratifiedSplit.HoldOut(set, 9);
        var all = kept.Images.ToArray().Concat(held.Images.ToArray()).Order().ToArray();
        Assert.Equal(set.Images.ToArray(), all);
        Assert.Equal(kept.Images.ToArray().Order(), kept.Images.ToArray());
        Assert.Equal(held.Images.ToArray().Order(), held.Images.ToArray());
        Assert.Equal(9, held.Count);
    }

    [Fact]
    public void Shares_round_by_largest_remainder_and_sum_to_the_count()
    {
        // 7 : 13 : 5 of 9 is 2.52 : 4.68 : 1.80, so 2 : 5 : 2.
        var held = StratifiedSplit.HoldOut(RoundRobin(7, 13, 5), 9).Held;
        Assert.Equal([2, 5, 2], held.ClassCounts());
    }

    [Fact]
    public void A_class_share_is_spread_through_the_class_not_its_last_images()
    {
        var set = RoundRobin(10);
        var picked = StratifiedSplit.Pick(set, 2);
        Assert.Equal([2, 7], picked);
    }

    [Fact]
    public void Taking_at_least_the_whole_set_gives_it_all_and_nothing_holds_out_nothing()
    {
        var set = RoundRobin(3, 4);
        Assert.Same(set, StratifiedSplit.Take(set, 7));
        Assert.Equal(7, StratifiedSplit.Pick(set, 50).Length);
        var (kept, held) = StratifiedSplit.HoldOut(set, 0);
        Assert.Equal((7, 0), (kept.Count, held.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedSplit.Pick(set, -1));
    }
}
