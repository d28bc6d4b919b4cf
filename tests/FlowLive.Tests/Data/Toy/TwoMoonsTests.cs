using FlowLive.Data.Toy;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Data.Toy;

/// <summary>FFJORD's two moons is scikit-learn's moons under 2p + (-1, -0.2), draw for draw.</summary>
public sealed class TwoMoonsTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.0)]
    public void Samples_are_moons_samples_under_the_affine_map_for_the_same_seed(double noise)
    {
        using var scope = NewDisposeScope();
        using var g1 = new Generator(11);
        using var g2 = new Generator(11);
        var twoMoons = new TwoMoons(noise).Sample(500, g1);
        var mapped = new Moons(noise).Sample(500, g2) * 2 + tensor(new float[] { -1f, -0.2f });
        Numeric.AssertBitIdentical(mapped, twoMoons, "two_moons vs mapped moons");
        // Both drew the same number of values: the generators continue identically.
        Numeric.AssertBitIdentical(rand([4], generator: g2), rand([4], generator: g1), "the generators after sampling");
    }
}
