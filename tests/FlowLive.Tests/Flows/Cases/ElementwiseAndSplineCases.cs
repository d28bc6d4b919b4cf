using FlowLive.Flows;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Cases;

public sealed class ElementwiseAndSplineCases : ILayerCases
{
    public IEnumerable<LayerCase> Cases()
    {
        var vector = Shape.Vector(5);
        var image = Shape.Image(2, 3, 3);
        var small = new SubnetSpec { Hidden = 16, Depth = 1 };

        yield return new("leaky_relu/vector", new LeakyReluSpec { Shape = vector });
        yield return new("leaky_relu/image-slope-half", new LeakyReluSpec { Shape = image, Slope = 0.5 });

        yield return new("piecewise_linear/vector", new PiecewiseLinearSpec { Shape = vector, Bins = 5 })
            { LatentSampler = InsideUnitInterval(vector) };
        yield return new("piecewise_linear/image-one-bin", new PiecewiseLinearSpec { Shape = image, Bins = 1 })
            { LatentSampler = InsideUnitInterval(image), ParametersWithoutGradient = new HashSet<string> { "heights" } };
        yield return new("piecewise_linear/image", new PiecewiseLinearSpec { Shape = image, Bins = 8 })
            { LatentSampler = InsideUnitInterval(image) };

        // Bound 2 with inputs of standard deviation 2.5: about 40% of elements fall in the identity tails.
        yield return new("rq_spline_coupling/vector", new RationalQuadraticSplineCouplingSpec { Shape = Shape.Vector(4), Net = small, Bins = 5, Bound = 2 })
            { LatentSampler = Spread(Shape.Vector(4), 2.5), Perturbation = 0.3 };
        yield return new("rq_spline_coupling/vector-odd-first-half", new RationalQuadraticSplineCouplingSpec { Shape = vector, Net = small, Bins = 3, Bound = 1.5, TransformFirstHalf = true })
            { LatentSampler = Spread(vector, 2.5), Perturbation = 0.3 };
        yield return new("rq_spline_coupling/image", new RationalQuadraticSplineCouplingSpec { Shape = Shape.Image(3, 3, 3), Net = new SubnetSpec { Hidden = 8, Depth = 1 }, Bins = 4, Bound = 2 })
            { LatentSampler = Spread(Shape.Image(3, 3, 3), 2.5), Perturbation = 0.3 };

        yield return new("planar/vector-2", new PlanarFlowSpec { Shape = Shape.Vector(2) });
        yield return new("planar/vector-5", new PlanarFlowSpec { Shape = vector }) { Perturbation = 0.5 };
        yield return new("radial/vector-2", new RadialFlowSpec { Shape = Shape.Vector(2) });
        yield return new("radial/vector-5", new RadialFlowSpec { Shape = vector }) { Perturbation = 0.5 };
    }

    /// <summary>Uniform on (0.001, 0.999): inside the piecewise-linear domain, never exactly on its ends.</summary>
    static Func<long, Generator, Tensor> InsideUnitInterval(Shape shape) =>
        (batch, g) => rand(shape.WithBatch(batch), dtype: float64, generator: g) * 0.998 + 0.001;

    static Func<long, Generator, Tensor> Spread(Shape shape, double std) =>
        (batch, g) => randn(shape.WithBatch(batch), dtype: float64, generator: g) * std;
}
