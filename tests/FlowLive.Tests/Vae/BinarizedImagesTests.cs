using FlowLive.Data;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Vae;

/// <summary>Binarised digits: the exercise's fixed threshold and stochastic binarisation.</summary>
public sealed class BinarizedImagesTests
{
    [Fact]
    public void The_exercise_threshold_turns_pixels_above_127_into_ones_and_flattens_each_image()
    {
        using var scope = NewDisposeScope();
        var pixels = tensor(new byte[] { 0, 127, 128, 255, 64, 200 }).reshape(1, 1, 2, 3);
        var binary = BinarizedImages.Threshold(pixels);
        Assert.Equal(ScalarType.Float32, binary.dtype);
        Assert.Equal([1L, 6], binary.shape);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 1f], binary.data<float>().ToArray());
        // The exercise: ToTensor gives k / 255 and a pixel is on when 0.5 < k / 255.
        for (int k = 0; k < 256; k++)
            Assert.Equal(0.5 < k / 255.0, k > BinarizedImages.ExerciseThreshold);
        Assert.Equal([0f, 0f, 0f, 1f, 0f, 1f], BinarizedImages.Threshold(pixels, threshold: 199).data<float>().ToArray());
    }

    [Fact]
    public void Thresholding_a_dataset_gives_one_row_per_image()
    {
        var images = new byte[2 * 4];
        images[1] = 200;
        images[6] = 128;
        var dataset = new ImageDataset(images, [0, 1], 2, 2, ["a", "b"], "test");
        using var binary = BinarizedImages.Threshold(dataset);
        Assert.Equal([2L, 4], binary.shape);
        Assert.Equal([0f, 1f, 0f, 0f, 0f, 0f, 1f, 0f], binary.data<float>().ToArray());
    }

    [Fact]
    public void Stochastic_binarisation_draws_each_pixel_with_probability_k_over_255_from_the_seed()
    {
        using var scope = NewDisposeScope();
        var pixels = tensor(new byte[] { 0, 51, 128, 255 }).repeat(20000).reshape(20000, 4);
        using var g = new Generator(4);
        var binary = BinarizedImages.Stochastic(pixels, g);
        Assert.Equal([20000L, 4], binary.shape);
        Assert.True(binary.eq(0).logical_or(binary.eq(1)).all().ToBoolean(), "values other than 0 and 1");
        var means = binary.mean([0]).to(float64).data<double>().ToArray();
        Assert.Equal(0.0, means[0]);
        Assert.Equal(1.0, means[3]);
        // Standard errors sqrt(p (1 - p) / 20000) are below 0.0036; allow four.
        Assert.InRange(means[1], 0.2 - 0.015, 0.2 + 0.015);
        Assert.InRange(means[2], 128 / 255.0 - 0.015, 128 / 255.0 + 0.015);

        using var g1 = new Generator(8);
        using var g2 = new Generator(8);
        Numeric.AssertBitIdentical(BinarizedImages.Stochastic(pixels, g1), BinarizedImages.Stochastic(pixels, g2), "same seed");
    }

    [Fact]
    public void Floats_out_of_range_values_and_bad_thresholds_are_refused()
    {
        using var floats = zeros(2, 4);
        using var g = new Generator(1);
        Assert.Contains("integer pixel values", Assert.Throws<ArgumentException>(() => BinarizedImages.Threshold(floats)).Message);
        Assert.Contains("integer pixel values", Assert.Throws<ArgumentException>(() => BinarizedImages.Stochastic(floats, g)).Message);
        using var wide = tensor(new long[] { 0, 300 }).reshape(1, 2);
        Assert.Contains("from 0 to 300", Assert.Throws<ArgumentException>(() => BinarizedImages.Threshold(wide)).Message);
        using var bytes = zeros(1, 2, dtype: ScalarType.Byte);
        Assert.Throws<ArgumentOutOfRangeException>(() => BinarizedImages.Threshold(bytes, threshold: 256));
    }
}
