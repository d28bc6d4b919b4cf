using FlowLive.Flows;
using FlowLive.Flows.Layers;

namespace FlowLive.Tests.Flows.Architectures;

/// <summary>Masks.FlatChequerboard: the image chequerboard for images stored flat, as in DTU exercise 2.5.</summary>
public sealed class FlatChequerboardMaskTests
{
    [Fact]
    public void A_flattened_image_gets_the_pattern_of_the_exercise()
    {
        var digits = Shape.Vector(784);
        var mask = Masks.FlatChequerboard(digits, 28, 28);
        // The exercise's mask: [1 if (i + j) % 2 == 0 else 0 for i in range(28) for j in range(28)].
        var exercise = Enumerable.Range(0, 28).SelectMany(i => Enumerable.Range(0, 28).Select(j => (i + j) % 2 == 0 ? 1 : 0)).ToArray();
        Assert.Equal(exercise, mask);
        Assert.Equal(Masks.Invert(exercise), Masks.FlatChequerboard(digits, 28, 28, parity: 1));
    }

    [Fact]
    public void Small_cases_by_hand_and_several_channels_repeat_the_pattern()
    {
        Assert.Equal([1, 0, 0, 1], Masks.FlatChequerboard(Shape.Vector(4), 2, 2));
        Assert.Equal([1, 0, 1, 0, 1, 0], Masks.FlatChequerboard(Shape.Vector(6), 2, 3));
        Assert.Equal([0, 1, 1, 0, 0, 1, 1, 0], Masks.FlatChequerboard(Shape.Vector(8), 2, 2, parity: 1));
        Assert.Equal(Masks.Chequerboard(Shape.Image(3, 4, 5), parity: 1), Masks.FlatChequerboard(Shape.Vector(60), 4, 5, parity: 1));
    }

    [Fact]
    public void Shapes_that_are_not_whole_images_are_refused_with_the_sizes()
    {
        var error = Assert.Throws<FlowShapeException>(() => Masks.FlatChequerboard(Shape.Vector(783), 28, 28));
        Assert.Contains("783", error.Message);
        Assert.Contains("28x28", error.Message);
        Assert.Throws<FlowShapeException>(() => Masks.FlatChequerboard(Shape.Image(1, 28, 28), 28, 28));
        Assert.Throws<ArgumentException>(() => Masks.FlatChequerboard(Shape.Vector(4), 2, 2, parity: 2));
    }
}
