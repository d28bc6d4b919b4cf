using FlowLive.Flows;
using FlowLive.Flows.Layers;

namespace FlowLive.Tests.Flows.Cases;

/// <summary>Glow and RealNVP multi-scale layers: ActNorm, LU-parameterised linear maps, batch norm, squeeze, factor-out, logit.</summary>
public sealed class GlowCases : ILayerCases
{
    public IEnumerable<LayerCase> Cases()
    {
        var vector = Shape.Vector(5);
        var image = Shape.Image(3, 4, 4);

        yield return new("act_norm/vector", new ActNormSpec { Shape = vector });
        yield return new("act_norm/image", new ActNormSpec { Shape = image });

        yield return new("invertible_linear/vector-2", InvertibleLinearSpec.Random(Shape.Vector(2), seed: 1));
        yield return new("invertible_linear/vector-6", InvertibleLinearSpec.Random(Shape.Vector(6), seed: 2));

        yield return new("invertible_conv_1x1/image-3x4x4", InvertibleConv1x1Spec.Random(image, seed: 3));
        yield return new("invertible_conv_1x1/image-4x2x3", InvertibleConv1x1Spec.Random(Shape.Image(4, 2, 3), seed: 4));

        yield return new("batch_norm/vector", new BatchNormFlowSpec { Shape = vector });
        yield return new("batch_norm/image", new BatchNormFlowSpec { Shape = Shape.Image(2, 3, 3), Momentum = 0.5 });

        yield return new("squeeze/1x4x4", SqueezeSpec.ForData(Shape.Image(1, 4, 4)));
        yield return new("squeeze/3x2x2", SqueezeSpec.ForData(Shape.Image(3, 2, 2)));

        yield return new("factor_out/vector", new FactorOutSpec
        {
            Shape = Shape.Vector(6),
            Inner = [InvertibleLinearSpec.Random(Shape.Vector(3), seed: 5), new ActNormSpec { Shape = Shape.Vector(3) }],
        });
        yield return new("factor_out/vector-odd", new FactorOutSpec
        {
            Shape = vector,
            Inner = [new ScaleSpec { Shape = Shape.Vector(3), Learnable = true }, new BatchNormFlowSpec { Shape = Shape.Vector(3) }],
        });
        // Multi-scale: the kept half [2, 4, 4] is squeezed to [8, 2, 2] and mixed there.
        yield return new("factor_out/image-squeezed", new FactorOutSpec
        {
            Shape = Shape.Image(4, 4, 4),
            Inner =
            [
                InvertibleConv1x1Spec.Random(Shape.Image(8, 2, 2), seed: 6),
                new ActNormSpec { Shape = Shape.Image(8, 2, 2) },
                SqueezeSpec.ForData(Shape.Image(2, 4, 4)),
            ],
        });
        yield return new("factor_out/image-odd-channels", new FactorOutSpec
        {
            Shape = Shape.Image(3, 2, 2),
            Inner = [new TranslateSpec { Shape = Shape.Image(2, 2, 2), Learnable = true }, InvertibleConv1x1Spec.Random(Shape.Image(2, 2, 2), seed: 7)],
        });

        yield return new("logit/vector", new LogitTransformSpec { Shape = vector });
        yield return new("logit/image-alpha-0", new LogitTransformSpec { Shape = Shape.Image(1, 3, 3), Alpha = 0 });
        yield return new("logit/image", new LogitTransformSpec { Shape = image, Alpha = 0.1 });
    }
}
