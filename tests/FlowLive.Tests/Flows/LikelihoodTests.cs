using FlowLive.Flows;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows;

public sealed class LikelihoodTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(784)]
    [InlineData(3072)]
    public void The_uniform_density_on_the_unit_cube_is_exactly_8_bits_per_dim(long dimensions)
    {
        Assert.Equal(8.0, Likelihood.BitsPerDim(0.0, dimensions));
        using var scope = NewDisposeScope();
        Assert.Equal(8.0, Likelihood.BitsPerDim(zeros(2, dtype: float64), dimensions)[1].ToDouble());
        Assert.Equal(8.0, Likelihood.BitsPerDim(zeros(2, dtype: float32), dimensions)[0].ToDouble());
    }

    [Fact]
    public void Bits_per_dim_by_hand()
    {
        // log p = -1000 nats over 784 pixels of [0, 1): in 256-level units log P = -1000 - 784 log 256 nats,
        // i.e. (1000 / ln 2 + 784 * 8) bits, per pixel 1000 / (784 ln 2) + 8.
        double expected = 1000 / (784 * Math.Log(2)) + 8;
        Assert.Equal(expected, Likelihood.BitsPerDim(-1000.0, 784), 12);
        using var scope = NewDisposeScope();
        Numeric.AssertClose(tensor(new[] { expected, 8.0 }), Likelihood.BitsPerDim(tensor(new[] { -1000.0, 0.0 }), 784), 1e-12, "tensor bits/dim");
    }

    [Fact]
    public void Dequantize_puts_each_pixel_in_its_own_bin_of_the_unit_interval()
    {
        using var scope = NewDisposeScope();
        var pixels = tensor(new byte[] { 0, 1, 127, 128, 254, 255 }).repeat(1000);
        using var g = new Generator(5);

        var x = Likelihood.Dequantize(pixels, g);

        Assert.Equal(ScalarType.Float32, x.dtype);
        Assert.True(x.ge(0).all().ToBoolean() && x.lt(1).all().ToBoolean(), "values outside [0, 1)");
        Assert.True((x.to(float64) * 256).floor().to(ScalarType.Byte).eq(pixels).all().ToBoolean(), "a value left its pixel's bin [k/256, (k+1)/256)");
        // The noise is uniform on [0, 1): its mean over 6000 draws is 1/2 within a few standard errors (0.0037).
        double noiseMean = (x.to(float64) * 256 - pixels.to(float64)).mean().ToDouble();
        Assert.InRange(noiseMean, 0.48, 0.52);
    }

    [Fact]
    public void Dequantize_is_reproducible_from_a_seed_and_accepts_wider_integers()
    {
        using var scope = NewDisposeScope();
        var pixels = tensor(new long[] { 0, 17, 255 }).reshape(1, 3);
        using var g1 = new Generator(9);
        using var g2 = new Generator(9);
        Numeric.AssertBitIdentical(
            Likelihood.Dequantize(pixels, g1, ScalarType.Float64),
            Likelihood.Dequantize(pixels.to(ScalarType.Byte), g2, ScalarType.Float64),
            "same seed, int64 vs uint8 pixels");
    }

    [Fact]
    public void Dequantize_rejects_non_pixels()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("Float32", Assert.Throws<ArgumentException>(() => Likelihood.Dequantize(rand(3))).Message);
        Assert.Contains("256", Assert.Throws<ArgumentException>(() => Likelihood.Dequantize(tensor(new long[] { 0, 256 }))).Message);
        Assert.Throws<ArgumentException>(() => Likelihood.Dequantize(tensor(new long[] { -1 })));
    }
}
