using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Models;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Layers;

public sealed class CouplingTests
{
    static readonly SubnetSpec Small = new() { Hidden = 16, Depth = 2 };
    static readonly Shape V5 = Shape.Vector(5);
    static readonly Shape Image = Shape.Image(2, 4, 4);
    static readonly Shape OddImage = Shape.Image(3, 2, 3);

    /// <summary>Specs with the mask each one implies (1 = passes through), so one test covers all three layers.</summary>
    static readonly Dictionary<string, (LayerSpec Spec, int[] Mask)> Layers = new()
    {
        ["affine/vector"] = (new AffineCouplingSpec { Shape = V5, Net = Small }, Masks.Half(V5)),
        ["affine/vector-flipped"] = (new AffineCouplingSpec { Shape = V5, Net = Small, TransformFirstHalf = true }, Masks.Half(V5, firstHalfPasses: false)),
        ["affine/image"] = (new AffineCouplingSpec { Shape = Image, Net = Small }, Masks.ChannelHalf(Image)),
        ["affine/image-flipped"] = (new AffineCouplingSpec { Shape = OddImage, Net = Small, TransformFirstHalf = true }, Masks.ChannelHalf(OddImage, firstHalfPasses: false)),
        ["masked/vector-random"] = (new MaskedAffineCouplingSpec { Shape = V5, Mask = Masks.Random(V5, seed: 1), Net = Small }, Masks.Random(V5, seed: 1)),
        ["masked/image-chequerboard"] = (new MaskedAffineCouplingSpec { Shape = Image, Mask = Masks.Chequerboard(Image), Net = Small }, Masks.Chequerboard(Image)),
        ["masked/image-channels"] = (new MaskedAffineCouplingSpec { Shape = OddImage, Mask = Masks.ChannelHalf(OddImage), Net = Small }, Masks.ChannelHalf(OddImage)),
        ["additive/vector-alternating"] = (new AdditiveCouplingSpec { Shape = V5, Mask = Masks.Alternating(V5), Net = Small }, Masks.Alternating(V5)),
        ["additive/image-chequerboard"] = (new AdditiveCouplingSpec { Shape = Image, Mask = Masks.Chequerboard(Image, parity: 1), Net = Small }, Masks.Chequerboard(Image, parity: 1)),
    };

    public static TheoryData<string> LayerNames() => new(Layers.Keys);

    static FlowLayer Build(LayerSpec spec)
    {
        var layer = spec.Build();
        layer.to(float64);
        return layer;
    }

    static void Perturb(FlowLayer layer, double scale, ulong seed)
    {
        var generator = new Generator(seed);
        using var _ = no_grad();
        foreach (var p in layer.parameters())
            p.add_(randn(p.shape, dtype: p.dtype, generator: generator) * scale);
    }

    static Tensor Latent(Shape shape, long batch, ulong seed) =>
        randn(shape.WithBatch(batch), dtype: float64, generator: new Generator(seed));

    static double[] Values(Tensor t) => t.contiguous().data<double>().ToArray();

    [Theory, MemberData(nameof(LayerNames))]
    public void A_new_coupling_is_the_identity_with_zero_log_det(string name)
    {
        using var layer = Build(Layers[name].Spec);
        using var scope = NewDisposeScope();
        var z = Latent(layer.LatentShape, 3, 1);

        var (x, logDet) = layer.Forward(z);
        Numeric.AssertBitIdentical(z, x, $"{name}: Forward of a new layer");
        Numeric.AssertBitIdentical(zeros(3, dtype: float64), logDet, $"{name}: forward log-det of a new layer");
        var (back, inverseLogDet) = layer.Inverse(z);
        Numeric.AssertBitIdentical(z, back, $"{name}: Inverse of a new layer");
        Numeric.AssertBitIdentical(zeros(3, dtype: float64), inverseLogDet, $"{name}: inverse log-det of a new layer");
    }

    [Theory, MemberData(nameof(LayerNames))]
    public void The_conditioning_part_passes_through_unchanged_and_the_rest_changes(string name)
    {
        var (spec, mask) = Layers[name];
        using var layer = Build(spec);
        Perturb(layer, 0.5, 7);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = Latent(layer.LatentShape, 3, 2);

        var zs = Values(z);
        foreach (var (direction, output) in new[] { ("Forward", layer.Forward(z).x), ("Inverse", layer.Inverse(z).z) })
        {
            var xs = Values(output);
            double largestChange = 0;
            for (int i = 0; i < zs.Length; i++)
            {
                if (mask[i % mask.Length] == 1)
                    Assert.True(zs[i] == xs[i], $"{name}: {direction} changed passing element {i % mask.Length} of sample {i / mask.Length}: {zs[i]} -> {xs[i]}");
                else
                    largestChange = Math.Max(largestChange, Math.Abs(zs[i] - xs[i]));
            }
            Assert.True(largestChange > 1e-3, $"{name}: {direction} left the transformed elements (almost) unchanged, largest change {largestChange:E2}");
        }
    }

    /// <summary>
    /// The log-scale of each transformed element, read off the Jacobian's diagonal: x_j = z_j exp(s_j) + t_j with s and t
    /// independent of z_j, so d(sum x)/dz_j = exp(s_j) exactly (no cancellation, even for extreme s).
    /// </summary>
    static List<double> LogScales(FlowLayer layer, int[] mask, Tensor z)
    {
        var input = z.detach().clone().requires_grad_(true);
        layer.Forward(input).x.sum().backward();
        var grads = Values(input.grad!);
        return grads.Where((_, i) => mask[i % mask.Length] == 0).Select(g => Math.Log(g)).ToList();
    }

    public static TheoryData<string, ScaleBound> ScaleCases()
    {
        var data = new TheoryData<string, ScaleBound>();
        foreach (var name in new[] { "affine/vector", "affine/image-flipped", "masked/vector-random", "masked/image-chequerboard" })
            foreach (var bound in new[] { ScaleBound.Tanh, ScaleBound.SoftClamp })
                data.Add(name, bound);
        return data;
    }

    [Theory, MemberData(nameof(ScaleCases))]
    public void Scales_stay_within_the_clamp_even_for_wild_weights(string name, ScaleBound bound)
    {
        const double clamp = 1.5;
        var (spec, mask) = Layers[name];
        LayerSpec With(ScaleBound b) => spec switch
        {
            AffineCouplingSpec a => a with { Bound = b, Clamp = clamp },
            MaskedAffineCouplingSpec m => m with { Bound = b, Clamp = clamp },
            _ => throw new InvalidOperationException(name),
        };
        using var bounded = Build(With(bound));
        using var unbounded = Build(With(ScaleBound.None));
        Perturb(bounded, 2, 3);
        Perturb(unbounded, 2, 3); // the same weights: the same raw log-scales
        using var scope = NewDisposeScope();
        var z = Latent(bounded.LatentShape, 8, 4);

        var s = LogScales(bounded, mask, z);
        Assert.All(s, v => Assert.True(Math.Abs(v) <= clamp * (1 + 1e-12), $"{name} ({bound}): log-scale {v} outside ±{clamp}"));
        Assert.True(s.Max(Math.Abs) > 0.8 * clamp, $"{name} ({bound}): the weights did not push the log-scales near the clamp (largest {s.Max(Math.Abs)})");
        var raw = LogScales(unbounded, mask, z);
        Assert.True(raw.Max(Math.Abs) > 3 * clamp, $"{name}: without a bound the same weights should give log-scales beyond ±{clamp}, largest {raw.Max(Math.Abs)}");
    }

    /// <summary>The last layer's bias of a fresh conditioner: with zero weights the net outputs exactly this bias.</summary>
    static void SetLastBias(FlowLayer layer, double[] values)
    {
        var (name, bias) = layer.named_parameters().Last();
        Assert.EndsWith("bias", name);
        using var _ = no_grad();
        using var v = tensor(values, dtype: float64);
        bias.copy_(v);
    }

    [Fact]
    public void Affine_coupling_gives_the_closed_form_for_a_constant_conditioner()
    {
        using var layer = Build(new AffineCouplingSpec { Shape = Shape.Vector(2), Net = Small });
        SetLastBias(layer, [1.0, 0.5]); // raw s, t for the one transformed feature
        using var scope = NewDisposeScope();
        var (x, logDet) = layer.Forward(tensor(new[] { 0.3, -1.2, 2.0, 0.7 }, dtype: float64).reshape(2, 2));

        double s = 2.0 * Math.Tanh(1.0 / 2.0);
        Numeric.AssertClose(tensor(new[] { 0.3, -1.2 * Math.Exp(s) + 0.5, 2.0, 0.7 * Math.Exp(s) + 0.5 }, dtype: float64).reshape(2, 2), x, 1e-12, "x");
        Numeric.AssertClose(tensor(new[] { s, s }, dtype: float64), logDet, 1e-12, "log-det");
    }

    [Fact]
    public void Masked_couplings_give_the_closed_form_for_a_constant_conditioner()
    {
        var v2 = Shape.Vector(2);
        using var affine = Build(new MaskedAffineCouplingSpec { Shape = v2, Mask = [1, 0], Net = Small, Bound = ScaleBound.SoftClamp });
        SetLastBias(affine, [9.0, 1.0, 9.0, 0.5]); // s0, s1, t0, t1: the entries for the passing element must be ignored
        using var additive = Build(new AdditiveCouplingSpec { Shape = v2, Mask = [0, 1], Net = Small });
        SetLastBias(additive, [0.5, 9.0]);
        using var scope = NewDisposeScope();
        var z = tensor(new[] { 0.3, -1.2 }, dtype: float64).reshape(1, 2);

        double s = 0.636 * 2.0 * Math.Atan(1.0 / 2.0);
        var (x, logDet) = affine.Forward(z);
        Numeric.AssertClose(tensor(new[] { 0.3, -1.2 * Math.Exp(s) + 0.5 }, dtype: float64).reshape(1, 2), x, 1e-12, "masked affine x");
        Numeric.AssertClose(tensor(new[] { s }, dtype: float64), logDet, 1e-12, "masked affine log-det");

        var (xAdd, logDetAdd) = additive.Forward(z);
        Numeric.AssertClose(tensor(new[] { 0.8, -1.2 }, dtype: float64).reshape(1, 2), xAdd, 1e-12, "additive x");
        Numeric.AssertBitIdentical(zeros(1, dtype: float64), logDetAdd, "additive log-det");
    }

    [Fact]
    public void Mask_factories_give_the_documented_patterns()
    {
        Assert.Equal([1, 0, 0, 1], Masks.Chequerboard(Shape.Image(1, 2, 2)));
        Assert.Equal([1, 0, 0, 1, 1, 0, 0, 1], Masks.Chequerboard(Shape.Image(2, 2, 2), parity: 0));
        Assert.Equal([0, 1, 1, 0, 0, 1, 1, 0], Masks.Chequerboard(Shape.Image(2, 2, 2), parity: 1));
        Assert.Equal([1, 0, 1, 0, 1, 0, 1, 0, 1], Masks.Chequerboard(Shape.Image(1, 3, 3)));
        Assert.Equal([1, 0, 1, 0, 1, 0], Masks.Chequerboard(Shape.Image(1, 2, 3)));

        Assert.Equal([1, 1, 0, 0, 0], Masks.Half(V5));
        Assert.Equal([0, 0, 1, 1, 1], Masks.Half(V5, firstHalfPasses: false));
        Assert.Equal([1, 0], Masks.Half(Shape.Vector(2)));

        Assert.Equal([1, 0, 1, 0, 1], Masks.Alternating(V5));
        Assert.Equal([0, 1, 0, 1, 0], Masks.Alternating(V5, startWith: 0));
        Assert.Equal([1, 1, 0, 0, 1, 1], Masks.Alternating(Shape.Image(3, 1, 2)));

        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0], Masks.ChannelHalf(Shape.Image(2, 2, 2)));
        Assert.Equal([1, 1, 0, 0, 0, 0], Masks.ChannelHalf(Shape.Image(3, 2, 1)));
        Assert.Equal([0, 0, 1, 1, 1, 1], Masks.ChannelHalf(Shape.Image(3, 2, 1), firstHalfPasses: false));

        Assert.Equal([0, 1, 1, 0], Masks.Invert([1, 0, 0, 1]));
        Assert.Equal(Masks.Half(V5, firstHalfPasses: false), Masks.Invert(Masks.Half(V5)));
        Assert.Equal(Masks.Chequerboard(Image, parity: 1), Masks.Invert(Masks.Chequerboard(Image)));
    }

    [Fact]
    public void Random_masks_depend_only_on_the_seed_and_pass_the_given_fraction()
    {
        var ten = Shape.Vector(10);
        Assert.Equal(Masks.Random(ten, seed: 42), Masks.Random(ten, seed: 42));
        Assert.Equal(5, Masks.Random(ten, seed: 42).Sum());
        Assert.True(Enumerable.Range(0, 5).Select(seed => string.Concat(Masks.Random(ten, seed))).Distinct().Count() > 1,
            "five seeds gave the same random mask");
        Assert.Equal(8, Masks.Random(Image, seed: 1, fraction: 0.25).Sum());
        Assert.Equal(3, Masks.Random(V5, seed: 1, fraction: 0.6).Sum());
    }

    [Fact]
    public void A_random_mask_is_stored_in_the_spec_json_and_read_back()
    {
        var mask = Masks.Random(Image, seed: 9);
        LayerSpec spec = new MaskedAffineCouplingSpec { Shape = Image, Mask = mask, Net = Small, Bound = ScaleBound.SoftClamp, Clamp = 1.5 };
        string json = SpecJson.Serialize(spec);
        Assert.Contains("\"kind\": \"masked_affine_coupling\"", json);
        Assert.Contains("\"mask\"", json);

        var back = Assert.IsType<MaskedAffineCouplingSpec>(SpecJson.Deserialize<LayerSpec>(json));
        Assert.Equal(mask, back.Mask);
        Assert.Equal(Image, back.Shape);
        Assert.Equal(Small, back.Net);
        Assert.Equal(ScaleBound.SoftClamp, back.Bound);
        Assert.Equal(1.5, back.Clamp);
        Assert.Equal(json, SpecJson.Serialize<LayerSpec>(back));
    }

    [Fact]
    public void Every_coupling_spec_survives_a_json_round_trip()
    {
        LayerSpec[] specs =
        [
            new AffineCouplingSpec { Shape = OddImage, TransformFirstHalf = true, Bound = ScaleBound.None, Net = new() { Hidden = 8, Depth = 3, Activation = Activation.Gelu } },
            new AdditiveCouplingSpec { Shape = V5, Mask = Masks.Random(V5, seed: 4) },
            .. MaskedAffineCouplingSpec.RandomMasks(V5, 2, seed: 5),
        ];
        foreach (var spec in specs)
        {
            string json = SpecJson.Serialize(spec);
            Assert.Equal(json, SpecJson.Serialize(SpecJson.Deserialize<LayerSpec>(json)));
        }
    }

    [Fact]
    public void Stack_factories_alternate_what_is_transformed()
    {
        var affine = AffineCouplingSpec.Alternating(V5, 3, Small);
        Assert.Equal([false, true, false], affine.Select(s => s.TransformFirstHalf));
        Assert.All(affine, s => Assert.Equal(Small, s.Net));

        var chequer = Masks.Chequerboard(Image);
        var masked = MaskedAffineCouplingSpec.Alternating(Image, chequer, 3);
        Assert.Equal(chequer, masked[0].Mask);
        Assert.Equal(Masks.Invert(chequer), masked[1].Mask);
        Assert.Equal(chequer, masked[2].Mask);

        var additive = AdditiveCouplingSpec.RandomMasks(V5, 2, seed: 3);
        Assert.Equal(Masks.Random(V5, seed: 3), additive[0].Mask);
        Assert.Equal(Masks.Random(V5, seed: 4), additive[1].Mask);
    }

    public static TheoryData<string> MaskedKinds() => new(["masked", "additive"]);

    static LayerSpec MaskedSpec(string kind, Shape shape, int[] mask) => kind == "masked"
        ? new MaskedAffineCouplingSpec { Shape = shape, Mask = mask }
        : new AdditiveCouplingSpec { Shape = shape, Mask = mask };

    [Theory, MemberData(nameof(MaskedKinds))]
    public void Bad_masks_fail_with_a_message(string kind)
    {
        string field = kind == "masked" ? "MaskedAffineCoupling.Mask" : "AdditiveCoupling.Mask";
        var v3 = Shape.Vector(3);

        var ones = Assert.Throws<ArgumentException>(() => MaskedSpec(kind, v3, [1, 1, 1]).Build());
        Assert.Contains(field, ones.Message);
        Assert.Contains("all ones", ones.Message);

        var zeros = Assert.Throws<ArgumentException>(() => MaskedSpec(kind, v3, [0, 0, 0]).Build());
        Assert.Contains("all zeros", zeros.Message);

        var length = Assert.Throws<FlowShapeException>(() => MaskedSpec(kind, v3, [1, 0]).Build());
        Assert.Contains($"{field} has 2 values, expected 3 for shape [3]", length.Message);

        var imageLength = Assert.Throws<FlowShapeException>(() => MaskedSpec(kind, Image, Masks.Chequerboard(Shape.Image(1, 4, 4))).Build());
        Assert.Contains("has 16 values, expected 32 for shape [2, 4, 4]", imageLength.Message);

        var value = Assert.Throws<ArgumentException>(() => MaskedSpec(kind, v3, [1, 2, 0]).Build());
        Assert.Contains("found 2 at index 1", value.Message);

        var rank = Assert.Throws<FlowShapeException>(() => MaskedSpec(kind, new Shape(2, 2), [1, 0, 0, 1]).Build());
        Assert.Contains("got [2, 2]", rank.Message);
    }

    [Fact]
    public void Mask_factories_refuse_shapes_and_arguments_that_give_no_valid_mask()
    {
        Assert.Contains("got [4]", Assert.Throws<FlowShapeException>(() => Masks.Chequerboard(Shape.Vector(4))).Message);
        Assert.Contains("got [4]", Assert.Throws<FlowShapeException>(() => Masks.ChannelHalf(Shape.Vector(4))).Message);
        Assert.Contains("all zeros", Assert.Throws<ArgumentException>(() => Masks.Half(Shape.Vector(1))).Message);
        Assert.Contains("all ones", Assert.Throws<ArgumentException>(() => Masks.Chequerboard(Shape.Image(2, 1, 1))).Message);
        Assert.Contains("all ones", Assert.Throws<ArgumentException>(() => Masks.Alternating(Shape.Image(1, 3, 3))).Message);
        Assert.Contains("at least one 1 and one 0", Assert.Throws<ArgumentException>(() => Masks.Random(Shape.Vector(1), seed: 0)).Message);
        Assert.Contains("at least one 1 and one 0", Assert.Throws<ArgumentException>(() => Masks.Random(V5, seed: 0, fraction: 0.05)).Message);
        Assert.Contains("parity must be 0 or 1", Assert.Throws<ArgumentException>(() => Masks.Chequerboard(Image, parity: 2)).Message);
        Assert.Contains("startWith must be 0 or 1", Assert.Throws<ArgumentException>(() => Masks.Alternating(V5, startWith: -1)).Message);
        Assert.Contains("found 3 at index 0", Assert.Throws<ArgumentException>(() => Masks.Invert([3, 0])).Message);
    }

    [Fact]
    public void Affine_coupling_refuses_shapes_it_cannot_split_and_bad_clamps()
    {
        foreach (var shape in new[] { Shape.Vector(1), Shape.Image(1, 4, 4), new Shape(2, 3) })
        {
            var e = Assert.Throws<FlowShapeException>(() => new AffineCouplingSpec { Shape = shape }.Build());
            Assert.Contains($"got {shape}", e.Message);
            Assert.Contains("AffineCoupling", e.Message);
        }
        Assert.Contains("Clamp must be positive", Assert.Throws<ArgumentException>(() => new AffineCouplingSpec { Shape = V5, Clamp = 0 }.Build()).Message);
        Assert.Contains("Clamp must be positive",
            Assert.Throws<ArgumentException>(() => new MaskedAffineCouplingSpec { Shape = V5, Mask = Masks.Half(V5), Clamp = -1 }.Build()).Message);
        using var unbounded = new AffineCouplingSpec { Shape = V5, Bound = ScaleBound.None, Clamp = 0 }.Build(); // the clamp is unused
    }
}
