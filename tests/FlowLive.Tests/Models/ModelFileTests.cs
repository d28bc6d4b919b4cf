using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Models;
using FlowLive.Tests.Support;
using static TorchSharp.torch;

namespace FlowLive.Tests.Models;

/// <summary>Model files: exact round trips, atomic writes, and clear refusals of anything corrupt.</summary>
public sealed class ModelFileTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("flowlive-models-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    static Flow SmallFlow()
    {
        var shape = Shape.Vector(2);
        return new Flow(GaussianMixtureSpec.Bimodal(shape).Build(),
            [new Scale(new ScaleSpec { Shape = shape, Learnable = true, LogScale = [0.3, -0.2] }), PermutationSpec.Reverse(shape).Build(),
             new Translate(new TranslateSpec { Shape = shape, Learnable = true, Shift = [1, 2] })]);
    }

    string SavedModel()
    {
        string path = Path.Combine(directory, "small.flow");
        using var flow = SmallFlow();
        ModelFile.Save(path, new ModelSpec { Name = "small", Flow = flow.Spec, Dataset = "two-moons", Metrics = new Dictionary<string, double> { ["nll"] = 1.25 } }, flow);
        return path;
    }

    [Fact]
    public void Save_and_load_round_trip_spec_metrics_and_outputs()
    {
        string path = SavedModel();
        using var original = SmallFlow();
        using var loaded = ModelFile.Load(path);
        Assert.Equal("small", loaded.Spec.Name);
        Assert.Equal("two-moons", loaded.Spec.Dataset);
        Assert.Equal(1.25, loaded.Spec.Metrics["nll"]);
        Assert.Equal(Shape.Vector(2), loaded.Spec.DataShape);
        Assert.Equal("float32", loaded.Spec.Dtype);
        using var scope = NewDisposeScope();
        Numeric.AssertBitIdentical(original.Sample(20, seed: 1), loaded.Flow.Sample(20, seed: 1), "samples after load");
    }

    [Fact]
    public void Save_leaves_no_temporary_files_and_replaces_an_existing_model()
    {
        SavedModel();
        SavedModel();
        Assert.Equal(["small.flow"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    public static TheoryData<string, string> Corruptions() => new()
    {
        { "flip-a-weight-byte", "checksum mismatch" },
        { "truncate-to-half", "truncated" },
        { "truncate-header", "truncated" },
        { "append-bytes", "unexpected bytes" },
        { "bad-magic", "not a FlowLive model" },
        { "future-version", "format version 99 is unknown" },
        { "empty", "not a FlowLive model" },
    };

    [Theory, MemberData(nameof(Corruptions))]
    public void Corrupt_files_are_refused_naming_the_file_and_the_problem(string corruption, string expected)
    {
        string path = SavedModel();
        byte[] bytes = File.ReadAllBytes(path);
        bytes = corruption switch
        {
            "flip-a-weight-byte" => Flip(bytes, bytes.Length - 40),
            "truncate-to-half" => bytes[..(bytes.Length / 2)],
            "truncate-header" => bytes[..10],
            "append-bytes" => [.. bytes, 1, 2, 3],
            "bad-magic" => Flip(bytes, 0),
            "future-version" => WithVersion(bytes, 99),
            "empty" => [],
            _ => throw new ArgumentException(corruption),
        };
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = Path.Combine(directory, "nope.flow");
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("nope.flow", error.Message);
        Assert.Contains("no such file", error.Message);
    }

    [Fact]
    public void A_spec_that_does_not_fit_its_weights_is_refused()
    {
        string path = SavedModel();
        byte[] bytes = File.ReadAllBytes(path);
        // Re-write the file with a spec of another shape but the same weights, and a valid checksum.
        var spec = ModelFile.ReadSpec(path);
        string json = SpecJson.Serialize(spec).Replace("\"shape\": [\n        2\n      ]", "\"shape\": [\n        3\n      ]");
        Assert.NotEqual(SpecJson.Serialize(spec), json);
        var error = Assert.Throws<ModelFileException>(() => Rewrite(path, bytes, json));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_data_shape_that_does_not_match_the_layers_is_refused()
    {
        string path = SavedModel();
        byte[] bytes = File.ReadAllBytes(path);
        var spec = ModelFile.ReadSpec(path);
        string json = SpecJson.Serialize(spec with { DataShape = Shape.Vector(5) });
        var error = Assert.Throws<ModelFileException>(() => Rewrite(path, bytes, json));
        Assert.Contains("data shape [5]", error.Message);
    }

    static void Rewrite(string path, byte[] bytes, string json)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        reader.ReadBytes(12);
        reader.ReadBytes((int)reader.ReadInt64());
        byte[] weights = reader.ReadBytes((int)reader.ReadInt64());
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(bytes[..12]);
            byte[] specBytes = System.Text.Encoding.UTF8.GetBytes(json);
            writer.Write((long)specBytes.Length);
            writer.Write(specBytes);
            writer.Write((long)weights.Length);
            writer.Write(weights);
        }
        body.Write(System.Security.Cryptography.SHA256.HashData(body.ToArray()));
        File.WriteAllBytes(path, body.ToArray());
        ModelFile.Load(path).Dispose();
    }

    static byte[] Flip(byte[] bytes, int index) { var copy = (byte[])bytes.Clone(); copy[index] ^= 0xFF; return copy; }

    static byte[] WithVersion(byte[] bytes, uint version)
    {
        var copy = (byte[])bytes.Clone();
        BitConverter.GetBytes(version).CopyTo(copy, 8);
        return copy;
    }
}
