using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

/// <summary>
/// Binary masks for <see cref="MaskedAffineCoupling"/> and <see cref="AdditiveCoupling"/>: flat int arrays over the
/// per-sample shape in row-major order, 1 = passes through unchanged and conditions the rest, 0 = transformed.
/// Masks are plain data in the spec, so a random mask is drawn here once and never again (Dinh et al. 2016,
/// section 3.4 for the chequerboard and channel masks; random masks as in the DTU exercises 2.4/2.5).
/// Every factory returns a valid mask (some 1s and some 0s) or throws.
/// </summary>
public static class Masks
{
    /// <summary>
    /// The first floor(n/2) entries of the first dimension (features of a vector, channels of an image) pass when
    /// <paramref name="firstHalfPasses"/>; otherwise exactly the inverse. The pair matches <see cref="AffineCoupling"/>
    /// with TransformFirstHalf false and true. Vector [5]: [1, 1, 0, 0, 0] and [0, 0, 1, 1, 1].
    /// </summary>
    public static int[] Half(Shape shape, bool firstHalfPasses = true)
    {
        long half = shape[0] / 2;
        return Checked(OverFirstDimension(shape, i => (i < half) == firstHalfPasses), shape, $"Masks.Half({shape})");
    }

    /// <summary>
    /// Every other entry of the first dimension passes, the first one with value <paramref name="startWith"/> (0 or 1).
    /// Vector [5], startWith 1: [1, 0, 1, 0, 1].
    /// </summary>
    public static int[] Alternating(Shape shape, int startWith = 1)
    {
        CheckBit(startWith, nameof(startWith), "Masks.Alternating");
        return Checked(OverFirstDimension(shape, i => (i % 2 == 0) == (startWith == 1)), shape, $"Masks.Alternating({shape})");
    }

    /// <summary>
    /// RealNVP's spatial chequerboard, the same in every channel: pixel (h, w) passes when h + w + parity is even.
    /// A 2x2 image with parity 0 is [1, 0, 0, 1] in each channel; parity 1 is its inverse.
    /// </summary>
    public static int[] Chequerboard(Shape image, int parity = 0)
    {
        RequireImage(image, "Masks.Chequerboard");
        CheckBit(parity, nameof(parity), "Masks.Chequerboard");
        long height = image[1], width = image[2];
        var mask = new int[image.Size];
        for (long i = 0; i < mask.Length; i++)
        {
            long h = i / width % height, w = i % width;
            mask[i] = (h + w + parity) % 2 == 0 ? 1 : 0;
        }
        return Checked(mask, image, $"Masks.Chequerboard({image})");
    }

    /// <summary>
    /// The chequerboard of <see cref="Chequerboard"/> for images stored flat as vectors, e.g. 28x28 digits as [784]
    /// (row-major, channel after channel, as a flattened [C, H, W] tensor): element i is pixel (h, w) =
    /// (i / width % height, i % width) and passes when h + w + parity is even. Parity 0 is the DTU 02460 exercise 2.5
    /// mask ((i + j) % 2 == 0 passes); alternate the parity per coupling. A [4] vector as 2x2, parity 0: [1, 0, 0, 1].
    /// </summary>
    public static int[] FlatChequerboard(Shape vector, long height, long width, int parity = 0)
    {
        if (!vector.IsVector) throw new FlowShapeException($"Masks.FlatChequerboard: expected a vector shape [D], got {vector}");
        if (height < 1 || width < 1 || vector[0] % (height * width) != 0)
            throw new FlowShapeException(
                $"Masks.FlatChequerboard: a vector of {vector[0]} values is not a whole number of {height}x{width} images");
        return Chequerboard(Shape.Image(vector[0] / (height * width), height, width), parity);
    }

    /// <summary>RealNVP's channel-wise mask: <see cref="Half"/> of the channels of an image.</summary>
    public static int[] ChannelHalf(Shape image, bool firstHalfPasses = true)
    {
        RequireImage(image, "Masks.ChannelHalf");
        return Half(image, firstHalfPasses);
    }

    /// <summary>
    /// A random mask over all elements with round(fraction * n) ones (ties to even), drawn once from <paramref name="seed"/>:
    /// store the result in the spec, do not draw it again when loading.
    /// </summary>
    public static int[] Random(Shape shape, int seed, double fraction = 0.5)
    {
        long n = shape.Size;
        long ones = (long)Math.Round(fraction * n);
        if (!(fraction > 0 && fraction < 1) || ones < 1 || ones > n - 1)
            throw new ArgumentException(
                $"Masks.Random: fraction {fraction} of the {n} elements of {shape} gives {ones} passing; a mask needs at least one 1 and one 0",
                nameof(fraction));
        var order = Enumerable.Range(0, (int)n).ToArray();
        new System.Random(seed).Shuffle(order);
        var mask = new int[n];
        foreach (int i in order.Take((int)ones)) mask[i] = 1;
        return mask;
    }

    /// <summary>Swaps the roles: what passed is transformed and the other way round.</summary>
    public static int[] Invert(int[] mask)
    {
        for (int i = 0; i < mask.Length; i++)
            if (mask[i] is not (0 or 1))
                throw new ArgumentException($"Masks.Invert: a mask holds only 0 and 1, found {mask[i]} at index {i}", nameof(mask));
        return mask.Select(v => 1 - v).ToArray();
    }

    /// <summary>
    /// Throws unless <paramref name="mask"/> has one 0/1 value per element of <paramref name="shape"/>, with at least
    /// one of each: all ones would transform nothing, all zeros would leave the conditioner nothing to see.
    /// </summary>
    public static void Check(int[]? mask, Shape shape, string field)
    {
        if (mask is null) throw new ArgumentException($"{field} is missing: expected {shape.Size} values of 0 or 1 for shape {shape}");
        if (mask.Length != shape.Size)
            throw new FlowShapeException($"{field} has {mask.Length} values, expected {shape.Size} for shape {shape}");
        for (int i = 0; i < mask.Length; i++)
            if (mask[i] is not (0 or 1))
                throw new ArgumentException($"{field} must hold only 0 and 1, found {mask[i]} at index {i}");
        if (mask.All(v => v == 1))
            throw new ArgumentException($"{field} is all ones for shape {shape}: nothing would be transformed");
        if (mask.All(v => v == 0))
            throw new ArgumentException($"{field} is all zeros for shape {shape}: the conditioner would see nothing");
    }

    /// <summary>The mask as a float32 tensor of the per-sample shape (float, so it follows the layer's dtype).</summary>
    internal static Tensor ToTensor(int[] mask, Shape shape)
    {
        // The flat tensor is a temporary: only the reshaped one is the layer's.
        using var flat = tensor(mask.Select(v => (float)v).ToArray());
        return flat.reshape(shape.ToArray());
    }

    static int[] OverFirstDimension(Shape shape, Func<long, bool> passes)
    {
        long inner = shape.Size / shape[0];
        var mask = new int[shape.Size];
        for (long i = 0; i < mask.Length; i++) mask[i] = passes(i / inner) ? 1 : 0;
        return mask;
    }

    static int[] Checked(int[] mask, Shape shape, string where)
    {
        Check(mask, shape, where);
        return mask;
    }

    static void RequireImage(Shape shape, string where)
    {
        if (!shape.IsImage) throw new FlowShapeException($"{where}: expected an image shape [C, H, W], got {shape}");
    }

    static void CheckBit(int value, string name, string where)
    {
        if (value is not (0 or 1)) throw new ArgumentException($"{where}: {name} must be 0 or 1, got {value}", name);
    }
}
