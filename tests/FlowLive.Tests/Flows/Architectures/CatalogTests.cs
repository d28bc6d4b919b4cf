using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Flows.Bases;
using FlowLive.Models;
using FlowLive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows.Architectures;

/// <summary>Every ready-made architecture builds for the shapes it claims, round-trips, and survives a model file.</summary>
public sealed class CatalogTests
{
    static readonly Shape[] Shapes = [Shape.Vector(2), Shape.Vector(5), Shape.Image(1, 8, 8), Shape.Image(1, 14, 14)];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var architecture in Catalog.All)
            foreach (var shape in Shapes.Where(architecture.Supports))
                data.Add(architecture.Name, shape.ToString());
        return data;
    }

    static Shape Parse(string text) => new(text.Trim('[', ']').Split(", ").Select(long.Parse).ToArray());

    static ArchitectureOptions Small(Shape shape) => new()
    {
        Steps = 2,
        Net = new FlowLive.Flows.Nets.SubnetSpec { Hidden = 8 },
        Levels = shape.IsImage && shape[1] == 8 ? 2 : 1,
    };

    [Theory, MemberData(nameof(Cases))]
    public void Builds_round_trips_and_saves(string name, string shapeText)
    {
        var shape = Parse(shapeText);
        var spec = Catalog.Get(name).Create(shape, Small(shape));
        using var flow = spec.Build().To(CPU, ScalarType.Float64);
        Assert.Equal(shape, flow.DataShape);
        var generator = new Generator(5);
        using (no_grad())
            foreach (var p in flow.Module.parameters())
                p.add_(randn(p.shape, dtype: p.dtype, generator: generator) * 0.05);
        flow.Train(false);

        using var scope = NewDisposeScope();
        var x = flow.Sample(6, seed: 2);
        Numeric.AssertFinite(x, $"{name} samples");
        if (Catalog.Get(name).ReverseKlOnly)
        {
            Assert.Throws<InverseNotAvailableException>(() => flow.LogProb(x));
            Numeric.AssertFinite(flow.SampleWithLogProb(6, seed: 2).logProb, $"{name}: log q of its own samples");
            return;
        }
        var (z, _) = flow.Encode(x);
        Numeric.AssertClose(x, flow.Decode(z).x, 1e-6, $"{name}: Decode(Encode(x))");
        Numeric.AssertFinite(flow.LogProb(x), $"{name}: log p");

        string path = Path.Combine(Path.GetTempPath(), $"flowlive-arch-{Guid.NewGuid():N}.flow");
        try
        {
            ModelFile.Save(path, new ModelSpec { Name = name, Flow = flow.Spec }, flow);
            using var loaded = ModelFile.Load(path);
            Numeric.AssertBitIdentical(flow.LogProb(x), loaded.Flow.LogProb(x), $"{name}: log p after a model file round trip");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Every_architecture_takes_some_shape_and_names_are_unique()
    {
        Assert.Equal(Catalog.Names.Count, Catalog.Names.Distinct().Count());
        Assert.All(Catalog.All, a => Assert.True(Shapes.Any(a.Supports), $"{a.Name} takes none of the test shapes"));
    }

    [Fact]
    public void Glow_refuses_images_its_levels_cannot_squeeze()
    {
        var error = Assert.Throws<ArgumentException>(() => Catalog.Get("glow").Create(Shape.Image(1, 14, 14), new ArchitectureOptions { Levels = 2 }));
        Assert.Contains("divisible by 4", error.Message);
        Assert.Throws<ArgumentException>(() => Catalog.Get("realnvp").Create(Shape.Image(1, 8, 8), new ArchitectureOptions()));
    }

    [Fact]
    public void The_bimodal_base_is_a_two_component_mixture()
    {
        var spec = Catalog.Get("realnvp").Create(Shape.Vector(2), new ArchitectureOptions { Base = BaseChoice.Bimodal });
        Assert.Equal(2, Assert.IsType<GaussianMixtureSpec>(spec.Base).Means.Length);
    }
}
