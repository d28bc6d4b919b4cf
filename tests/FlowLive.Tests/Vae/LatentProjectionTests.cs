using FlowLive.Tests.Support;
using FlowLive.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Vae;

/// <summary>PCA for latent scatter plots: exact on planar data, shared axes, fixed signs, small M untouched.</summary>
public sealed class LatentProjectionTests
{
    [Fact]
    public void Latents_on_a_plane_in_four_dimensions_keep_their_distances_and_spread_most_along_the_first_axis()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        var planar = randn([200, 2], dtype: float64, generator: g) * tensor(new[] { 3.0, 1.0 });
        var (basis, _) = linalg.qr(randn([4, 2], dtype: float64, generator: g));   // orthonormal columns [4, 2]
        var latents = planar.matmul(basis.t()) + tensor(new[] { 1.0, -2.0, 0.5, 4.0 });

        using var projection = LatentProjection.Fit(latents);
        var points = projection.Project(latents);
        Assert.Equal([200L, 2], points.shape);
        // cdist computes distances through a matrix product, which costs about 1e-8 of float64 precision.
        Numeric.AssertClose(cdist(planar, planar), cdist(points, points), 1e-6, "pairwise distances");
        var variance = points.var(0);
        Assert.True(variance[0].ToDouble() > variance[1].ToDouble(), "the first axis should carry the most variance");
        Numeric.AssertClose(zeros(2, dtype: float64), points.mean([0]), 1e-9, "centred");

        // Other latents (prior samples) go through the same axes; refitting the same data gives the same picture.
        using var again = LatentProjection.Fit(latents.clone());
        Numeric.AssertBitIdentical(points, again.Project(latents), "same data, same projection");
    }

    [Fact]
    public void Two_dimensional_latents_are_left_as_they_are_and_one_dimensional_ones_get_a_zero_second_coordinate()
    {
        using var scope = NewDisposeScope();
        var two = tensor(new[,] { { 1.0, 2.0 }, { -3.0, 0.5 } });
        using (var projection = LatentProjection.Fit(two)) Numeric.AssertBitIdentical(two, projection.Project(two), "M = 2");
        var one = tensor(new[,] { { 1.5 }, { -2.0 } });
        using var line = LatentProjection.Fit(one);
        Numeric.AssertBitIdentical(tensor(new[,] { { 1.5, 0.0 }, { -2.0, 0.0 } }), line.Project(one), "M = 1");
        Assert.Throws<ArgumentException>(() => line.Project(two));
    }

    [Fact]
    public void Fitting_and_projecting_leak_no_tensors()
    {
        using var g = new Generator(2);
        using var latents = randn([30, 5], generator: g);
        LiveTensors.AssertNoLeak(() =>
        {
            using var projection = LatentProjection.Fit(latents);
            projection.Project(latents).Dispose();
        }, "LatentProjection");
    }
}
