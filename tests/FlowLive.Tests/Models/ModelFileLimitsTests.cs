using System.Text.Json.Nodes;
using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Models;
using FlowLive.Tests.Support;

namespace FlowLive.Tests.Models;

/// <summary>
/// Checksum-valid model files whose spec is absurd or malformed: every one is refused with a ModelFileException naming
/// the file and the field, by ReadSpec (what `info` uses) as by Load, before any flow is built.
/// </summary>
public sealed class ModelFileLimitsTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("flowlive-limits-").FullName;
    readonly string good;

    public ModelFileLimitsTests()
    {
        good = Path.Combine(directory, "good.flow");
        var shape = Shape.Vector(2);
        using var flow = new Flow(new StandardNormal(shape),
            [new AffineCouplingSpec { Shape = shape, Net = new SubnetSpec { Hidden = 8, Depth = 2 } }.Build(),
             PermutationSpec.Reverse(shape).Build()]);
        ModelFile.Save(good, new ModelSpec { Name = "good", Flow = flow.Spec }, flow);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    static JsonNode Layer0(JsonNode spec) => spec["flow"]!["layers"]![0]!;

    public static TheoryData<string, string> Edits() => new()
    {
        { "hidden-2e9", "spec.flow.layers[0].net.hidden" },
        { "depth-1e6", "spec.flow.layers[0].net.depth" },
        { "huge-base-shape", "spec.flow.base.shape" },
        { "huge-layer-shape", "spec.flow.layers[1].shape" },
        { "shape-zero", "spec.flow.base.shape: shape dimensions must be positive" },
        { "shape-minus-one", "spec.flow.base.shape: shape dimensions must be positive" },
        { "shape-empty", "spec.flow.base.shape: a shape needs at least one dimension" },
        { "shape-null", "spec.flow.layers[0].shape: is null" },
        { "base-null", "spec.flow.base: is null" },
        { "layers-null", "spec.flow.layers: is null" },
        { "layer-null", "spec.flow.layers[0]" },
        { "net-null", "spec.flow.layers[0].net: is null" },
        { "hidden-string", "spec.flow.layers[0].net.hidden: has a value of the wrong type" },
        { "unknown-kind", "spec.flow.layers[0]: its kind 'nope' is unknown" },
        { "missing-kind", "spec.flow.layers[0]: has no \"kind\"" },
        { "activation-number", "spec.flow.layers[0].net.activation" },
        { "clamp-nan", "spec.flow.layers[0].clamp" },
        { "too-many-layers", "at most 256 layers" },
        { "dtype-int8", "spec.dtype" },
        { "hidden-within-caps-but-not-stored", "for spec.flow.layers[0]), but the file stores" },
    };

    static void Apply(string edit, JsonNode spec)
    {
        var layer = Layer0(spec);
        switch (edit)
        {
            case "hidden-2e9": layer["net"]!["hidden"] = 2_000_000_000; break;
            case "depth-1e6": layer["net"]!["depth"] = 1_000_000; break;
            case "huge-base-shape": spec["flow"]!["base"]!["shape"] = new JsonArray(100000, 100000, 100000); break;
            case "huge-layer-shape": spec["flow"]!["layers"]![1]!["shape"] = new JsonArray(1_000_000); break;
            case "shape-zero": spec["flow"]!["base"]!["shape"] = new JsonArray(0); break;
            case "shape-minus-one": spec["flow"]!["base"]!["shape"] = new JsonArray(-1); break;
            case "shape-empty": spec["flow"]!["base"]!["shape"] = new JsonArray(); break;
            case "shape-null": layer["shape"] = null; break;
            case "base-null": spec["flow"]!["base"] = null; break;
            case "layers-null": spec["flow"]!["layers"] = null; break;
            case "layer-null": spec["flow"]!["layers"]![0] = null; break;
            case "net-null": layer["net"] = null; break;
            case "hidden-string": layer["net"]!["hidden"] = "wide"; break;
            case "unknown-kind": layer["kind"] = "nope"; break;
            case "missing-kind": layer.AsObject().Remove("kind"); break;
            case "activation-number": layer["net"]!["activation"] = 99; break;
            case "clamp-nan": layer["clamp"] = "NaN"; break;
            case "too-many-layers":
                var layers = spec["flow"]!["layers"]!.AsArray();
                for (int i = 0; i < 300; i++) layers.Add(JsonNode.Parse(layers[1]!.ToJsonString()));
                break;
            case "dtype-int8": spec["dtype"] = "int8"; break;
            case "hidden-within-caps-but-not-stored": layer["net"]!["hidden"] = 4000; layer["net"]!["depth"] = 16; break;
            default: throw new ArgumentException(edit);
        }
    }

    [Theory, MemberData(nameof(Edits))]
    public void A_malformed_or_absurd_spec_is_refused_naming_the_file_and_the_field(string edit, string field)
    {
        string path = Path.Combine(directory, edit + ".flow");
        ModelFileWriter.Edit(good, path, spec => Apply(edit, spec));
        long before = LiveTensors.Count;

        var fromSpec = Assert.Throws<ModelFileException>(() => ModelFile.ReadSpec(path));
        var fromLoad = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));

        Assert.Equal(before, LiveTensors.Count); // nothing was built
        foreach (var error in new[] { fromSpec, fromLoad })
        {
            Assert.Contains(path, error.Message);
            Assert.Contains(field, error.Message);
        }
    }

    [Fact]
    public void The_unedited_file_loads()
    {
        using var loaded = ModelFile.Load(good);
        Assert.Equal(2, loaded.Flow.LayerCount);
        var (_, tensors) = ModelFile.ReadContents(good);
        long parameters = loaded.Flow.Module.parameters().Sum(p => p.numel()) + loaded.Flow.Module.buffers().Sum(b => b.numel());
        Assert.Equal(parameters, tensors.Sum(t => t.Values));
        Assert.True(SpecCheck.MinimumWeights(loaded.Spec.Flow) <= parameters);
    }

    [SkippableFact]
    public void A_device_of_endless_zeros_is_refused_without_reading_it()
    {
        Skip.IfNot(File.Exists("/dev/zero"), "needs /dev/zero (Linux)");
        var error = Assert.Throws<ModelFileException>(() => ModelFile.ReadSpec("/dev/zero"));
        Assert.Contains("/dev/zero", error.Message);
        Assert.Contains("not a regular file", error.Message);
    }

    [Fact]
    public void A_directory_is_refused()
    {
        var error = Assert.Throws<ModelFileException>(() => ModelFile.ReadSpec(directory));
        Assert.Contains("is a directory", error.Message);
    }

    [Fact]
    public void A_file_larger_than_the_cap_is_refused_before_reading()
    {
        string path = Path.Combine(directory, "huge.flow");
        using (var stream = File.Create(path)) stream.SetLength(SpecLimits.MaxModelFileBytes + 1); // sparse: no disk used
        var error = Assert.Throws<ModelFileException>(() => ModelFile.ReadSpec(path));
        Assert.Contains("larger than any FlowLive model", error.Message);
    }

    [Fact]
    public void A_malformed_weights_block_is_refused()
    {
        var (spec, weights) = ModelFileWriter.Split(good);
        string path = Path.Combine(directory, "weights.flow");
        ModelFileWriter.Write(path, spec.ToJsonString(), weights[..^3]);
        var error = Assert.Throws<ModelFileException>(() => ModelFile.ReadSpec(path));
        Assert.Contains("weights block is malformed", error.Message);
    }
}
