extern alias viewer;
using FlowLive.Protos.V1;
using FlowLive.Tests.Server;
using viewer::FlowLive.Viewer.Scenes;

namespace FlowLive.Tests.Viewer.Scenes;

public sealed class CompareSceneTests
{
    static ModelInfo Model(string name, string dataset) => new() { Name = name, Dataset = dataset };

    [Theory]
    [InlineData("chequerboard", "dtu-chequerboard-best")]   // a variant of the same data
    [InlineData("two_moons", "radboud-moons")]
    [InlineData("rings", "rings-flow2")]                    // the very same dataset first
    [InlineData("two_spirals", "eight_gaussians-realnvp")]  // nothing alike: the first other model
    public void The_partner_is_trained_on_the_same_data_or_a_variant_of_it(string dataset, string expected)
    {
        var others = new[]
        {
            Model("eight_gaussians-realnvp", "eight_gaussians"), Model("dtu-chequerboard-best", "dtu_chequerboard"),
            Model("radboud-moons", "moons_standardized"), Model("rings-flow2", "rings"),
        };
        Assert.Equal(expected, CompareScene.Partner(Model("chosen", dataset), others)!.Name);
    }

    [Fact]
    public async Task The_bundled_spline_chequerboard_is_compared_with_the_dtu_chequerboard_on_the_same_base_points()
    {
        await using var server = await RunningServer.InMemory();
        using var driven = await AppDriver.Start(server, a => a.Scene is CompareScene { Ready: true }, "both traces",
            scene: SceneCatalog.IndexOf("compare"), model: "chequerboard-spline");
        var scene = (CompareScene)driven.App.Scene;
        Assert.Contains("chequerboard-spline | dtu-chequerboard-best", scene.Status);
        var renderer = new RecordingRenderer(800, 400);
        driven.App.Draw(renderer, 1);
        Assert.Equal(2, renderer.Images.Count(i => i.Image.Width == 395)); // a splat per half
        Assert.Contains("dtu-chequerboard-best", renderer.Texts);
    }
}
