using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Vae;

/// <summary>
/// Latents in two dimensions for scatter plots, as the exercise does for M > 2: PCA fitted on one set of latents
/// (posterior samples of the test set) and applied unchanged to others (prior samples), so both share the axes.
/// z -> (z - mean) V_2, with V_2 the two leading right singular vectors of the centred data, each signed so that its
/// largest entry is positive (a fixed choice: the same data always give the same picture). M = 2 is left as it is and
/// M = 1 gets a zero second coordinate.
/// </summary>
public sealed class LatentProjection : IDisposable
{
    readonly Tensor mean;        // [M]
    readonly Tensor components;  // [M, 2]

    LatentProjection(Tensor mean, Tensor components)
    {
        this.mean = mean.DetachFromDisposeScope();
        this.components = components.DetachFromDisposeScope();
    }

    /// <summary>Fits the projection to <paramref name="latents"/> [N, M] (N >= 2 when M > 2).</summary>
    public static LatentProjection Fit(Tensor latents)
    {
        if (latents.dim() != 2 || latents.shape[1] < 1)
            throw new ArgumentException($"LatentProjection.Fit expects latents [N, M], got shape [{string.Join(", ", latents.shape)}]", nameof(latents));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long m = latents.shape[1];
        var z = latents.detach().to(float64).cpu();
        if (m <= 2)
            return new LatentProjection(zeros(m, dtype: float64), eye(m, 2, dtype: float64));
        if (z.shape[0] < 2)
            throw new ArgumentException($"LatentProjection.Fit needs at least 2 latents to find principal axes, got {z.shape[0]}", nameof(latents));
        var center = z.mean([0]);
        var (_, _, vh) = linalg.svd(z - center, fullMatrices: false);
        var leading = vh[TensorIndex.Slice(0, 2)].t();                                   // [M, 2]
        var largest = leading.abs().argmax(0);                                            // [2]
        var signs = leading.gather(0, largest.unsqueeze(0)).sign();                      // [1, 2]
        return new LatentProjection(center, leading * signs);
    }

    /// <summary>Latents [N, M] as points [N, 2] (float64, on the CPU).</summary>
    public Tensor Project(Tensor latents)
    {
        if (latents.dim() != 2 || latents.shape[1] != components.shape[0])
            throw new ArgumentException($"LatentProjection.Project expects latents [N, {components.shape[0]}], got shape [{string.Join(", ", latents.shape)}]", nameof(latents));
        using var scope = NewDisposeScope();
        return ((latents.detach().to(float64).cpu() - mean).matmul(components)).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        mean.Dispose();
        components.Dispose();
    }
}
