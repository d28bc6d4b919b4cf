using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Flows;

/// <summary>
/// Likelihoods of 8-bit data such as images. Pixels k in {0..255} are dequantized to x = (k + u) / 256 with
/// u ~ U[0, 1) (Theis et al. 2016), and a density p on [0, 1)^D then bounds the discrete log-likelihood;
/// bits per dimension report it per pixel in base 2 on the 256-level scale.
/// </summary>
public static class Likelihood
{
    static readonly double Log256 = Math.Log(256);

    /// <summary>
    /// Bits per dimension of 8-bit data from log p(x) of its dequantization x in [0, 1)^D:
    /// -(log p(x) - D log 256) / (D ln 2). The uniform density on [0, 1)^D gives exactly 8.
    /// </summary>
    public static Tensor BitsPerDim(Tensor logProb, long dimensions)
    {
        CheckDimensions(dimensions);
        using var scope = NewDisposeScope();
        return (-(logProb - dimensions * Log256) / (dimensions * Math.Log(2))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc cref="BitsPerDim(Tensor, long)"/>
    public static double BitsPerDim(double logProb, long dimensions)
    {
        CheckDimensions(dimensions);
        return -(logProb - dimensions * Log256) / (dimensions * Math.Log(2));
    }

    /// <summary>
    /// x = (k + u) / 256 with u ~ U[0, 1) drawn on the CPU from <paramref name="generator"/> (so a seed gives the same
    /// noise on any device), for integer pixels k in 0..255 of any shape. Results lie in [0, 1): the rare value that
    /// rounds up to 1 in <paramref name="dtype"/> is clamped to the largest one below.
    /// </summary>
    public static Tensor Dequantize(Tensor pixels, Generator? generator = null, ScalarType dtype = ScalarType.Float32)
    {
        if (pixels.is_floating_point() || pixels.is_complex() || pixels.dtype == ScalarType.Bool)
            throw new ArgumentException($"Dequantize expects integer pixel values 0..255 (e.g. uint8), got {pixels.dtype}", nameof(pixels));
        double below1 = dtype switch
        {
            ScalarType.Float32 => MathF.BitDecrement(1f),
            ScalarType.Float64 => Math.BitDecrement(1.0),
            _ => throw new ArgumentException($"Dequantize produces float32 or float64, not {dtype}", nameof(dtype)),
        };
        using var scope = NewDisposeScope();
        if (pixels.numel() > 0)
        {
            long low = pixels.min().ToInt64(), high = pixels.max().ToInt64();
            if (low < 0 || high > 255)
                throw new ArgumentException($"Dequantize expects pixel values 0..255, got values from {low} to {high}", nameof(pixels));
        }
        var noise = rand(pixels.shape, dtype: float64, generator: generator).to(pixels.device);
        var x = ((pixels.to(float64) + noise) / 256).to(dtype).clamp_max(below1);
        return x.MoveToOuterDisposeScope();
    }

    static void CheckDimensions(long dimensions)
    {
        if (dimensions <= 0) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "the number of dimensions must be positive");
    }
}
