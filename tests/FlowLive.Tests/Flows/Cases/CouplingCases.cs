using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;

namespace FlowLive.Tests.Flows.Cases;

public sealed class CouplingCases : ILayerCases
{
    static readonly SubnetSpec Small = new() { Hidden = 16, Depth = 2 };
    static readonly SubnetSpec SmallTanh = new() { Hidden = 16, Depth = 1, Activation = Activation.Tanh };

    public IEnumerable<LayerCase> Cases()
    {
        var v2 = Shape.Vector(2);
        var v5 = Shape.Vector(5);
        var image = Shape.Image(2, 4, 4);
        var oddImage = Shape.Image(3, 3, 3);

        yield return new("affine_coupling/vector-2-tanh", new AffineCouplingSpec { Shape = v2, Net = Small });
        yield return new("affine_coupling/vector-2-flipped-soft-clamp",
            new AffineCouplingSpec { Shape = v2, Net = Small, TransformFirstHalf = true, Bound = ScaleBound.SoftClamp });
        yield return new("affine_coupling/vector-5-soft-clamp", new AffineCouplingSpec { Shape = v5, Net = SmallTanh, Bound = ScaleBound.SoftClamp, Clamp = 1.5 });
        yield return new("affine_coupling/vector-5-flipped-none",
            new AffineCouplingSpec { Shape = v5, Net = Small, TransformFirstHalf = true, Bound = ScaleBound.None });
        yield return new("affine_coupling/image-2x4x4-tanh", new AffineCouplingSpec { Shape = image, Net = Small });
        yield return new("affine_coupling/image-3x3x3-flipped-none",
            new AffineCouplingSpec { Shape = oddImage, Net = Small, TransformFirstHalf = true, Bound = ScaleBound.None });
        yield return new("affine_coupling/image-3x3x3-soft-clamp", new AffineCouplingSpec { Shape = oddImage, Net = SmallTanh, Bound = ScaleBound.SoftClamp });

        yield return new("masked_affine_coupling/vector-2-half-tanh", new MaskedAffineCouplingSpec { Shape = v2, Mask = Masks.Half(v2), Net = Small });
        yield return new("masked_affine_coupling/vector-5-alternating-soft-clamp",
            new MaskedAffineCouplingSpec { Shape = v5, Mask = Masks.Alternating(v5), Net = SmallTanh, Bound = ScaleBound.SoftClamp });
        yield return new("masked_affine_coupling/vector-5-random-none",
            new MaskedAffineCouplingSpec { Shape = v5, Mask = Masks.Random(v5, seed: 3), Net = Small, Bound = ScaleBound.None });
        yield return new("masked_affine_coupling/image-chequerboard-tanh",
            new MaskedAffineCouplingSpec { Shape = image, Mask = Masks.Chequerboard(image), Net = Small });
        yield return new("masked_affine_coupling/image-chequerboard-odd-parity-1-none",
            new MaskedAffineCouplingSpec { Shape = oddImage, Mask = Masks.Chequerboard(oddImage, parity: 1), Net = Small, Bound = ScaleBound.None });
        yield return new("masked_affine_coupling/image-channel-half-soft-clamp",
            new MaskedAffineCouplingSpec { Shape = image, Mask = Masks.ChannelHalf(image, firstHalfPasses: false), Net = SmallTanh, Bound = ScaleBound.SoftClamp });
        yield return new("masked_affine_coupling/image-random-tanh",
            new MaskedAffineCouplingSpec { Shape = image, Mask = Masks.Random(image, seed: 11, fraction: 0.3), Net = Small });

        yield return new("additive_coupling/vector-2-half", new AdditiveCouplingSpec { Shape = v2, Mask = Masks.Half(v2, firstHalfPasses: false), Net = Small });
        yield return new("additive_coupling/vector-5-alternating", new AdditiveCouplingSpec { Shape = v5, Mask = Masks.Alternating(v5, startWith: 0), Net = SmallTanh });
        yield return new("additive_coupling/vector-5-random", new AdditiveCouplingSpec { Shape = v5, Mask = Masks.Random(v5, seed: 5), Net = Small });
        yield return new("additive_coupling/image-chequerboard", new AdditiveCouplingSpec { Shape = image, Mask = Masks.Chequerboard(image, parity: 1), Net = Small });
        yield return new("additive_coupling/image-channel-half", new AdditiveCouplingSpec { Shape = oddImage, Mask = Masks.ChannelHalf(oddImage), Net = SmallTanh });
        yield return new("additive_coupling/image-random", new AdditiveCouplingSpec { Shape = image, Mask = Masks.Random(image, seed: 2), Net = Small });
    }
}
