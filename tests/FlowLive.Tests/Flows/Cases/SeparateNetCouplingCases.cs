using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;

namespace FlowLive.Tests.Flows.Cases;

/// <summary>
/// Masked affine couplings with separate scale and shift nets (MaskedAffineCouplingSpec.SeparateNets): the keras.io
/// Real NVP and DTU 02460 couplings, on vectors, flattened images and images, with every scale bound.
/// </summary>
public sealed class SeparateNetCouplingCases : ILayerCases
{
    static readonly SubnetSpec Small = new() { Hidden = 16, Depth = 2 };
    static readonly SubnetSpec OneHidden = new() { Hidden = 8, Depth = 1 };

    public IEnumerable<LayerCase> Cases()
    {
        var v2 = Shape.Vector(2);
        var v5 = Shape.Vector(5);
        var flat = Shape.Vector(16);
        var image = Shape.Image(2, 4, 4);

        // keras.io: mask [0, 1], tanh log-scale (Clamp 1), linear shift.
        yield return new("masked_affine_coupling/vector-2-separate-nets-keras",
            new MaskedAffineCouplingSpec { Shape = v2, Mask = Masks.Alternating(v2, startWith: 0), Net = Small, SeparateNets = true, Clamp = 1 });
        // DTU 2.4: one hidden layer per net, half mask.
        yield return new("masked_affine_coupling/vector-5-separate-nets-dtu-half",
            new MaskedAffineCouplingSpec { Shape = v5, Mask = Masks.Half(v5, firstHalfPasses: false), Net = OneHidden, SeparateNets = true, Clamp = 1 });
        // DTU 2.5: a 4x4 image flattened, chequerboard of parity 1.
        yield return new("masked_affine_coupling/vector-16-separate-nets-flat-chequerboard-soft-clamp",
            new MaskedAffineCouplingSpec
            {
                Shape = flat, Mask = Masks.FlatChequerboard(flat, 4, 4, parity: 1), Net = OneHidden, SeparateNets = true, Bound = ScaleBound.SoftClamp,
            });
        yield return new("masked_affine_coupling/vector-5-separate-nets-random-none",
            new MaskedAffineCouplingSpec { Shape = v5, Mask = Masks.Random(v5, seed: 4), Net = Small, SeparateNets = true, Bound = ScaleBound.None });
        yield return new("masked_affine_coupling/image-separate-nets-chequerboard-tanh",
            new MaskedAffineCouplingSpec { Shape = image, Mask = Masks.Chequerboard(image), Net = Small, SeparateNets = true });
    }
}
