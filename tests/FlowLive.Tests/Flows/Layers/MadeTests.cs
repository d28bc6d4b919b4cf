using FlowLive.Flows.Nets;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class MadeTests
{
    /// <summary>A float64 MADE whose weights are seeded random values (its last layer no longer zero).</summary>
    static Made Randomised(int[] order, SubnetSpec subnet, int seed)
    {
        var made = new Made(order, subnet, ScaleBound.Tanh, clamp: 2.0);
        made.to(float64);
        using var generator = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var p in made.parameters()) p.copy_(randn(p.shape, dtype: float64, generator: generator) * 0.5);
        return made;
    }

    /// <summary>
    /// The autoregressive property, read off the Jacobian: d(mu_i, alpha_i)/dx_j is exactly zero unless j comes before
    /// i in the order, so the Jacobian permuted into the order is strictly lower triangular. With hidden &gt;= D - 1
    /// every entry below the diagonal is present (non-zero); with fewer hidden units some may be missing.
    /// </summary>
    [Theory]
    [InlineData(new[] { 0, 1, 2, 3, 4 }, 8, 2)]
    [InlineData(new[] { 3, 0, 4, 1, 2 }, 8, 2)]
    [InlineData(new[] { 3, 0, 4, 1, 2 }, 4, 1)]
    [InlineData(new[] { 2, 1, 0, 4, 3 }, 2, 3)]
    [InlineData(new[] { 1, 0 }, 1, 1)]
    public void The_jacobian_is_strictly_triangular_in_the_ordering(int[] order, int hidden, int depth)
    {
        int d = order.Length;
        using var made = Randomised(order, new SubnetSpec { Hidden = hidden, Depth = depth, Activation = Activation.Tanh }, seed: 1);
        using var scope = NewDisposeScope();
        var position = new int[d];
        for (int k = 0; k < d; k++) position[order[k]] = k;

        for (int trial = 0; trial < 3; trial++)
        {
            var x = randn([d], dtype: float64, generator: new Generator((ulong)trial));
            var jacobian = autograd.functional.jacobian(v =>
            {
                var (mu, alpha) = made.call(v.unsqueeze(0));
                return cat([mu, alpha], 1).flatten();
            }, x); // [2D, D]: rows mu_0..mu_{D-1}, alpha_0..alpha_{D-1}
            var values = jacobian.data<double>().ToArray();
            for (int row = 0; row < 2 * d; row++)
            for (int j = 0; j < d; j++)
            {
                int i = row % d;
                double entry = values[row * d + j];
                string what = $"d{(row < d ? "mu" : "alpha")}_{i}/dx_{j} (positions {position[i]} and {position[j]} in the order)";
                if (position[j] >= position[i])
                    Assert.True(entry == 0, $"{what} = {entry}, must be exactly 0");
                else if (hidden >= d - 1)
                    Assert.True(entry != 0, $"{what} is 0, but x_{j} comes before x_{i}");
            }
        }
    }

    [Fact]
    public void A_new_MADE_outputs_zero_shift_and_log_scale()
    {
        using var made = new Made([2, 0, 1], new SubnetSpec { Hidden = 8 }, ScaleBound.Tanh, 2.0);
        using var scope = NewDisposeScope();
        var (mu, alpha) = made.call(randn(4, 3) * 5);
        Numeric.AssertClose(zeros(4, 3), mu, 0, "mu at initialisation");
        Numeric.AssertClose(zeros(4, 3), alpha, 0, "alpha at initialisation");
    }

    [Theory]
    [InlineData(ScaleBound.Tanh)]
    [InlineData(ScaleBound.SoftClamp)]
    public void Log_scales_stay_within_the_clamp(ScaleBound bound)
    {
        using var made = new Made([0, 1, 2], new SubnetSpec { Hidden = 8 }, bound, clamp: 1.5);
        made.to(float64);
        using var scope = NewDisposeScope();
        using (no_grad())
            foreach (var p in made.parameters()) p.copy_(randn(p.shape, dtype: float64, generator: new Generator(2)) * 20);
        var (_, alpha) = made.call(randn([64, 3], dtype: float64, generator: new Generator(3)) * 10);
        double largest = alpha.abs().max().ToDouble();
        // In floating point tanh saturates to exactly 1, so the open bound (-c, c) becomes closed.
        Assert.True(largest <= 1.5, $"|alpha| reached {largest}, clamp is 1.5");
        Assert.True(largest > 1.0, $"the test wants large raw log-scales, |alpha| only reached {largest}");
    }

    [Fact]
    public void A_random_order_is_a_seeded_permutation()
    {
        var order = Made.RandomOrder(10, seed: 5);
        Assert.Equal(Enumerable.Range(0, 10), order.Order());
        Assert.Equal(order, Made.RandomOrder(10, seed: 5));
        Assert.NotEqual(order, Made.RandomOrder(10, seed: 6));
        Assert.Equal([0, 1, 2, 3], Made.NaturalOrder(4));
    }

    [Theory]
    [InlineData(new[] { 0, 0, 1 })]
    [InlineData(new[] { 1, 2, 3 })]
    [InlineData(new int[0])]
    public void Rejects_an_order_that_is_not_a_permutation(int[] order)
    {
        var e = Assert.Throws<ArgumentException>(() => new Made(order, new SubnetSpec(), ScaleBound.Tanh, 2.0));
        Assert.Contains("permutation", e.Message);
    }
}
