using FlowLive.Flows;
using FlowLive.Flows.Layers;

namespace FlowLive.Tests.Flows.Cases;

public sealed class ElementwiseAffineCases : ILayerCases
{
    public IEnumerable<LayerCase> Cases()
    {
        var vector = Shape.Vector(5);
        var image = Shape.Image(2, 3, 3);
        yield return new("translate/vector-fixed", new TranslateSpec { Shape = vector, Shift = [1, -2, 0.5, 3, 0] });
        yield return new("translate/image-learnable", new TranslateSpec { Shape = image, Learnable = true });
        yield return new("scale/vector-fixed", new ScaleSpec { Shape = vector, LogScale = [0.1, -0.3, 1, 0, -2] });
        yield return new("scale/image-learnable", new ScaleSpec { Shape = image, Learnable = true });
        yield return new("permutation/reverse", PermutationSpec.Reverse(vector));
        yield return new("permutation/swap-halves-odd", PermutationSpec.SwapHalves(vector));
        yield return new("permutation/random-channels", PermutationSpec.Random(Shape.Image(4, 2, 2), seed: 7));
    }
}
