using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Data;

/// <summary>
/// 8-bit grey images as binary images for Bernoulli models: float32 tensors [N, H * W] of 0s and 1s.
///
/// The DTU 02460 VAE exercise (vae_bernoulli.py) binarises with a fixed threshold: ToTensor gives k / 255 and a pixel
/// is 1 when k / 255 > 0.5, i.e. k > 127 (<see cref="Threshold(Tensor, int)"/> with <see cref="ExerciseThreshold"/>).
/// Stochastic binarisation (Salakhutdinov and Murray 2008) draws each pixel as Bernoulli(k / 255) instead, afresh
/// for each use, which keeps grey levels as probabilities and discourages overfitting.
/// </summary>
public static class BinarizedImages
{
    /// <summary>k > 127 is 1: the exercise's 0.5 threshold on k / 255.</summary>
    public const int ExerciseThreshold = 127;

    /// <summary>1 where the pixel value exceeds <paramref name="threshold"/>, else 0; pixels of any shape [N, ...] (e.g. uint8 [N, 1, H, W]).</summary>
    public static Tensor Threshold(Tensor pixels, int threshold = ExerciseThreshold)
    {
        if (threshold is < 0 or > 255)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the threshold is a pixel value 0..255");
        Check(pixels, nameof(Threshold));
        using var scope = NewDisposeScope();
        return pixels.gt(threshold).to(float32).reshape(pixels.shape[0], -1).MoveToOuterDisposeScope();
    }

    /// <summary>Every image of <paramref name="images"/> thresholded: [N, H * W].</summary>
    public static Tensor Threshold(ImageDataset images, int threshold = ExerciseThreshold)
    {
        using var pixels = images.ToTensor();
        return Threshold(pixels, threshold);
    }

    /// <summary>
    /// Each pixel 1 with probability k / 255, drawn on the CPU from <paramref name="generator"/> (so a seed gives the same
    /// images on any device): 0 stays 0 and 255 stays 1.
    /// </summary>
    public static Tensor Stochastic(Tensor pixels, Generator generator)
    {
        Check(pixels, nameof(Stochastic));
        using var scope = NewDisposeScope();
        var probability = pixels.cpu().to(float64) / 255;
        var uniform = rand(probability.shape, dtype: float64, generator: generator);
        return uniform.lt(probability).to(float32).reshape(pixels.shape[0], -1).to(pixels.device).MoveToOuterDisposeScope();
    }

    /// <summary>Every image of <paramref name="images"/> binarised stochastically: [N, H * W].</summary>
    public static Tensor Stochastic(ImageDataset images, Generator generator)
    {
        using var pixels = images.ToTensor();
        return Stochastic(pixels, generator);
    }

    static void Check(Tensor pixels, string method)
    {
        if (pixels.is_floating_point() || pixels.is_complex() || pixels.dtype == ScalarType.Bool)
            throw new ArgumentException($"BinarizedImages.{method} expects integer pixel values 0..255 (e.g. uint8), got {pixels.dtype}", nameof(pixels));
        if (pixels.dim() < 2)
            throw new ArgumentException($"BinarizedImages.{method} expects a batch of images [N, ...], got shape [{string.Join(", ", pixels.shape)}]", nameof(pixels));
        if (pixels.numel() == 0) return;
        using var low = pixels.min();
        using var high = pixels.max();
        if (low.ToInt64() < 0 || high.ToInt64() > 255)
            throw new ArgumentException($"BinarizedImages.{method} expects pixel values 0..255, got values from {low.ToInt64()} to {high.ToInt64()}", nameof(pixels));
    }
}
