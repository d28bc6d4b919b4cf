using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Models;
using FlowLive.Tests.Support;
using FlowLive.Vae;
using TorchSharp;
using static TorchSharp.torch;
using static FlowLive.Tests.Vae.VaeTestSupport;

namespace FlowLive.Tests.Vae;

/// <summary>VAE files: exact round trips for every prior, atomic writes, and corrupt files refused naming the file.</summary>
public sealed class VaeFileTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("flowlive-vae-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    string Save(BernoulliVae vae, string name = "small")
    {
        string path = Path.Combine(directory, name + VaeFile.Extension);
        VaeFile.Save(path, new VaeModelSpec { Name = name, Vae = vae.Spec, Dataset = "mnist-threshold-127", Metrics = new Dictionary<string, double> { ["test_neg_elbo"] = 99.5 } }, vae);
        return path;
    }

    static BernoulliVae Trained(string prior)
    {
        var vae = Create(prior, seed: 3);
        using var data = TwoPrototypes(32, 16, seed: 1);
        vae.Train(true);
        Fit(vae.Parameters(), vae.Loss, data, steps: 5, learningRate: 1e-2, seed: 2);
        vae.Train(false);
        return vae;
    }

    [Theory]
    [InlineData("gaussian")]
    [InlineData("mog")]
    [InlineData("flow")]
    public void Save_and_load_give_the_identical_negative_elbo_spec_and_samples(string prior)
    {
        using var original = Trained(prior);
        string path = Save(original);
        using var loaded = VaeFile.Load(path);
        Assert.Equal("small", loaded.Spec.Name);
        Assert.Equal("mnist-threshold-127", loaded.Spec.Dataset);
        Assert.Equal(99.5, loaded.Spec.Metrics["test_neg_elbo"]);
        Assert.Equal("float32", loaded.Spec.Dtype);
        Assert.Equal(LatentPriors.Describe(original.Spec.Prior), LatentPriors.Describe(loaded.Vae.Spec.Prior));
        Assert.Equal(16, loaded.Vae.DataDimension);

        using var scope = NewDisposeScope();
        var x = TwoPrototypes(20, 16, seed: 9);
        double Evaluate(BernoulliVae vae) { using var g = new Generator(5); return vae.Evaluate(x, g, batchSize: 7); }
        Assert.Equal(Evaluate(original), Evaluate(loaded.Vae));
        using var g1 = new Generator(6);
        using var g2 = new Generator(6);
        Numeric.AssertBitIdentical(original.Sample(8, g1), loaded.Vae.Sample(8, g2), "samples after load");
    }

    [Fact]
    public void Saving_is_atomic_and_replaces_an_existing_file()
    {
        using var vae = Create("mog");
        Save(vae);
        Save(vae);
        Assert.Equal(["small.vae"], Directory.GetFiles(directory).Select(Path.GetFileName));
        Assert.Equal("small", VaeFile.ReadSpec(Path.Combine(directory, "small.vae")).Name);
    }

    public static TheoryData<string, string> Corruptions() => new()
    {
        { "flip-a-weight-byte", "checksum mismatch" },
        { "truncate-to-half", "truncated" },
        { "truncate-header", "truncated" },
        { "append-bytes", "unexpected bytes" },
        { "bad-magic", "not a FlowLive VAE" },
        { "future-version", "format version 99 is unknown" },
        { "empty", "not a FlowLive VAE" },
    };

    [Theory, MemberData(nameof(Corruptions))]
    public void Corrupt_files_are_refused_naming_the_file_and_the_problem(string corruption, string expected)
    {
        using var vae = Create("flow");
        string path = Save(vae);
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
        var error = Assert.Throws<ModelFileException>(() => VaeFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_flow_model_file_and_a_missing_file_are_refused()
    {
        string flowPath = Path.Combine(directory, "flow.flow");
        using (var flow = new Flow(new StandardNormal(Shape.Vector(2)), []))
            ModelFile.Save(flowPath, new ModelSpec { Name = "f", Flow = flow.Spec }, flow);
        Assert.Contains("not a FlowLive VAE", Assert.Throws<ModelFileException>(() => VaeFile.Load(flowPath)).Message);
        string missing = Path.Combine(directory, "missing.vae");
        Assert.Contains("no such file", Assert.Throws<ModelFileException>(() => VaeFile.Load(missing)).Message);
    }

    [Fact]
    public void A_spec_that_does_not_fit_its_weights_is_refused()
    {
        using var vae = Create("gaussian");
        string path = Save(vae);
        // Rewrite the file with a wider hidden layer in its spec but the same weights, and a valid checksum.
        byte[] bytes = File.ReadAllBytes(path);
        int specLength = (int)BitConverter.ToInt64(bytes, 12);
        string json = System.Text.Encoding.UTF8.GetString(bytes, 20, specLength).Replace("\"hidden\": 16", "\"hidden\": 17");
        Assert.Contains("\"hidden\": 17", json);
        byte[] spec = System.Text.Encoding.UTF8.GetBytes(json);
        byte[] weights = bytes[(20 + specLength)..^32];
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(bytes.AsSpan(0, 12));
            writer.Write((long)spec.Length);
            writer.Write(spec);
            writer.Write(weights);
        }
        body.Write(System.Security.Cryptography.SHA256.HashData(body.ToArray()));
        File.WriteAllBytes(path, body.ToArray());
        var error = Assert.Throws<ModelFileException>(() => VaeFile.Load(path));
        Assert.Contains("weights do not fit", error.Message);
    }

    static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0xFF;
        return copy;
    }

    static byte[] WithVersion(byte[] bytes, uint version)
    {
        var copy = (byte[])bytes.Clone();
        BitConverter.GetBytes(version).CopyTo(copy, 8);
        return copy;
    }
}
