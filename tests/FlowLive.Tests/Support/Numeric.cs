using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Support;

public static class Numeric
{
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.Equal(a.shape, b.shape);
        using var d = (a - b).abs().max();
        return d.ToDouble();
    }

    public static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        double diff = MaxAbsDiff(expected, actual);
        Assert.True(diff <= tolerance, $"{what}: max |difference| {diff:E3} exceeds {tolerance:E1}");
    }

    public static void AssertFinite(Tensor t, string what)
    {
        using var finite = t.isfinite().all();
        Assert.True(finite.ToBoolean(), $"{what} has NaN or Inf");
    }

    public static void AssertBitIdentical(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var same = expected.eq(actual).all();
        Assert.True(same.ToBoolean(), $"{what}: not bit-identical (max |difference| {MaxAbsDiff(expected, actual):E3})");
    }
}
