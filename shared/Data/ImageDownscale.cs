namespace FlowLive.Data;

/// <summary>
/// Smaller images for quick runs on a CPU (a 14x14 MNIST flow trains in minutes where 28x28 takes much longer):
/// each output pixel is the rounded mean of a factor x factor block, so the data stay 8-bit and dequantize as before.
/// </summary>
public static class ImageDownscale
{
    /// <summary>The images shrunk to <paramref name="side"/> x <paramref name="side"/>; a file whose images do not shrink to that is named.</summary>
    public static ImageDataset DownscaleTo(this ImageDataset data, int side)
    {
        if (side < 1 || data.Height != data.Width || data.Height % side != 0)
            throw new DataFileException(data.Source, $"its images are {data.Height}x{data.Width}; {side}x{side} images need square " +
                                                     $"images whose side is a multiple of {side} (MNIST and Fashion-MNIST are 28x28)");
        return data.Downscale(data.Height / side);
    }

    public static ImageDataset Downscale(this ImageDataset data, int factor)
    {
        if (factor == 1) return data;
        if (factor < 1 || data.Height % factor != 0 || data.Width % factor != 0)
            throw new ArgumentException($"cannot shrink the {data.Height}x{data.Width} images of {data.Source} by {factor}: " +
                                        "the factor must be at least 1 and divide both sides (28x28 images shrink by 2 to 14x14)");
        int height = data.Height / factor, width = data.Width / factor, area = factor * factor;
        var smaller = new byte[data.Count * height * width];
        for (int n = 0; n < data.Count; n++)
        {
            var image = data.Image(n);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int sum = 0;
                    for (int dy = 0; dy < factor; dy++)
                        for (int dx = 0; dx < factor; dx++)
                            sum += image[(y * factor + dy) * data.Width + x * factor + dx];
                    smaller[(n * height + y) * width + x] = (byte)((sum + area / 2) / area);
                }
        }
        return new ImageDataset(smaller, data.Labels.ToArray(), height, width, data.ClassNames, $"{data.Source} (downscaled x{factor})");
    }
}
