using FlowLive.Flows;
using FlowLive.Flows.Layers;

namespace FlowLive.Tests.Flows.Cases;

/// <summary>Reshape: a flattened vector seen as an image, and an image seen as a vector.</summary>
public sealed class ReshapeCases : ILayerCases
{
    public IEnumerable<LayerCase> Cases()
    {
        yield return new("reshape/vector-to-image", new ReshapeSpec { Shape = Shape.Vector(12), Data = Shape.Image(1, 3, 4) });
        yield return new("reshape/image-to-vector", new ReshapeSpec { Shape = Shape.Image(2, 2, 2), Data = Shape.Vector(8) });
    }
}
