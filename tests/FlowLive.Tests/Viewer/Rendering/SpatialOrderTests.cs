extern alias viewer;
using viewer::FlowLive.Viewer.Rendering;

namespace FlowLive.Tests.Viewer.Rendering;

public sealed class SpatialOrderTests
{
    private static PointStates Cloud(int n, int seed)
    {
        var rng = new Random(seed);
        var states = new PointStates(n);
        var values = new float[2 * n];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 6 - 3);
        states.Fill(0, values);
        return states;
    }

    /// <summary>Mean distance between consecutive points when visited in <paramref name="order"/>.</summary>
    internal static double MeanStep(PointStates s, IReadOnlyList<int> order)
    {
        double total = 0;
        for (int i = 1; i < order.Count; i++)
            total += Math.Sqrt(Math.Pow(s.X[order[i]] - s.X[order[i - 1]], 2) + Math.Pow(s.Y[order[i]] - s.Y[order[i - 1]], 2));
        return total / (order.Count - 1);
    }

    [Fact]
    public void The_order_is_a_permutation_whose_neighbours_are_close_in_the_plane()
    {
        var cloud = Cloud(50_000, 3);
        var order = SpatialOrder.Of(cloud, cloud.Count);
        Assert.Equal(Enumerable.Range(0, cloud.Count), order.Order());
        double given = MeanStep(cloud, Enumerable.Range(0, cloud.Count).ToArray());
        double ordered = MeanStep(cloud, order);
        // 50,000 points on a 6 x 6 square: about 0.027 apart on a grid of them, 3.1 at random.
        Assert.True(ordered < given / 30, $"consecutive points {ordered:F4} apart in Z-order against {given:F4} in the given order");
    }

    [Fact]
    public void Z_order_interleaves_the_bits_of_x_and_y()
    {
        Assert.Equal(1u, SpatialOrder.Interleave(1, 0));
        Assert.Equal(2u, SpatialOrder.Interleave(0, 1));
        Assert.Equal(15u, SpatialOrder.Interleave(3, 3));
        Assert.Equal(0xAAAAAAAAu, SpatialOrder.Interleave(0, 0xFFFF));
    }

    [Fact]
    public void Non_finite_and_coincident_points_still_get_a_place_each()
    {
        var states = new PointStates(4);
        states.Fill(0, [float.NaN, 1, 2, 2, 2, 2, float.PositiveInfinity, -1]);
        Assert.Equal([0, 1, 2, 3], SpatialOrder.Of(states, 4).Order());
        var same = new PointStates(3);
        same.Fill(0, [1, 1, 1, 1, 1, 1]);
        Assert.Equal([0, 1, 2], SpatialOrder.Of(same, 3).Order());
    }
}
