using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class InvertibleLinearTests
{
    static Tensor Parameter(nn.Module module, string name) => module.named_parameters().Single(p => p.Item1 == name).Item2;
    static Tensor Buffer(nn.Module module, string name) => module.named_buffers().Single(p => p.Item1 == name).Item2;

    /// <summary>A layer in float64 with every parameter moved off its initial value.</summary>
    static InvertibleLinear Perturbed(int n, int seed)
    {
        var layer = (InvertibleLinear)InvertibleLinearSpec.Random(Shape.Vector(n), seed).Build();
        layer.to(float64);
        using var g = new Generator(99);
        using var _ = no_grad();
        foreach (var p in layer.parameters()) p.add_(randn(p.shape, dtype: float64, generator: g) * 0.3);
        return layer;
    }

    static Tensor SeededRotation(int n, int seed)
    {
        using var g = new Generator((ulong)seed);
        return linalg.qr(randn(new long[] { n, n }, dtype: float64, generator: g)).Item1;
    }

    [Fact]
    public void Weight_is_P_times_L_times_U_of_its_parameters_and_forward_applies_it()
    {
        using var scope = NewDisposeScope();
        using var layer = Perturbed(5, seed: 3);
        var spec = (InvertibleLinearSpec)layer.Spec;

        var l = Parameter(layer, "lu.lower").tril(-1) + eye(5, dtype: float64);
        var u = Parameter(layer, "lu.upper").triu(1) + (Buffer(layer, "lu.sign") * Parameter(layer, "lu.logS").exp()).diag();
        var p = zeros(5, 5, dtype: float64);
        for (int i = 0; i < 5; i++) p[i, spec.Permutation[i]] = 1;
        var w = p.matmul(l).matmul(u);
        Numeric.AssertClose(w, layer.Weight(), 1e-12, "W = P L U");

        var z = randn(4, 5, dtype: float64);
        Numeric.AssertClose(z.matmul(w.t()), layer.Forward(z).x, 1e-12, "x = W z");
    }

    [Fact]
    public void Log_det_is_the_sum_of_log_s_and_equals_slogdet_of_W()
    {
        using var scope = NewDisposeScope();
        using var layer = Perturbed(6, seed: 4);
        var (sign, logAbsDet) = linalg.slogdet(layer.Weight());
        Numeric.AssertClose(logAbsDet, Parameter(layer, "lu.logS").sum(), 1e-10, "slogdet(W) vs sum(log s)");
        Numeric.AssertClose(logAbsDet.expand(3), layer.Forward(randn(3, 6, dtype: float64)).logDet, 1e-10, "forward log-det vs slogdet(W)");
        Assert.NotEqual(0.0, sign.ToDouble());
    }

    [Fact]
    public void Inverse_solves_W_z_equals_x()
    {
        using var scope = NewDisposeScope();
        using var layer = Perturbed(6, seed: 5);
        var x = randn(4, 6, dtype: float64);
        var expected = x.matmul(linalg.inv(layer.Weight()).t());
        Numeric.AssertClose(expected, layer.Inverse(x).z, 1e-10, "W^-1 x");
    }

    [Fact]
    public void Starts_as_the_rotation_drawn_from_its_seed()
    {
        using var scope = NewDisposeScope();
        using var layer = (InvertibleLinear)InvertibleLinearSpec.Random(Shape.Vector(7), seed: 11).Build();
        layer.to(float64);
        // The weights are float32 at construction, so agreement is to float32 precision.
        Numeric.AssertClose(SeededRotation(7, 11), layer.Weight(), 1e-6, "initial W vs Q of the seed");
        Numeric.AssertClose(zeros(1, dtype: float64), layer.Forward(randn(1, 7, dtype: float64)).logDet, 1e-6, "initial log-det");
    }

    [Fact]
    public void A_hand_written_permutation_still_starts_orthogonal()
    {
        using var scope = NewDisposeScope();
        var pivots = InvertibleLinearSpec.Random(Shape.Vector(6), seed: 12).Permutation;
        var identity = Enumerable.Range(0, 6).ToArray();
        Assert.NotEqual(identity, pivots); // otherwise this test would not test anything
        using var layer = (InvertibleLinear)new InvertibleLinearSpec { Shape = Shape.Vector(6), Permutation = identity, Seed = 12 }.Build();
        layer.to(float64);
        var w = layer.Weight();
        Numeric.AssertClose(eye(6, dtype: float64), w.matmul(w.t()), 1e-6, "W W^T");
    }

    [Fact]
    public void The_same_seed_gives_the_same_spec_and_weights()
    {
        using var scope = NewDisposeScope();
        var a = InvertibleLinearSpec.Random(Shape.Vector(8), seed: 21);
        var b = InvertibleLinearSpec.Random(Shape.Vector(8), seed: 21);
        Assert.Equal(a.Permutation, b.Permutation);
        using var la = (InvertibleLinear)a.Build();
        using var lb = (InvertibleLinear)b.Build();
        Numeric.AssertBitIdentical(la.Weight(), lb.Weight(), "weights built twice from one spec");
        using var other = (InvertibleLinear)InvertibleLinearSpec.Random(Shape.Vector(8), seed: 22).Build();
        Assert.True(Numeric.MaxAbsDiff(la.Weight(), other.Weight()) > 0.01, "another seed gave the same weights");
    }

    [Fact]
    public void Rejects_images_and_bad_permutations()
    {
        var image = Assert.Throws<FlowShapeException>(() => InvertibleLinearSpec.Random(Shape.Image(3, 2, 2), 1).Build());
        Assert.Contains("[3, 2, 2]", image.Message);

        var length = Assert.Throws<ArgumentException>(() => new InvertibleLinearSpec { Shape = Shape.Vector(3), Permutation = [0, 1], Seed = 1 }.Build());
        Assert.Contains("expected 3", length.Message);

        var repeated = Assert.Throws<ArgumentException>(() => new InvertibleLinearSpec { Shape = Shape.Vector(3), Permutation = [0, 1, 1], Seed = 1 }.Build());
        Assert.Contains("permutation of 0..2", repeated.Message);
    }
}
