using FlowLive.Models;
using FlowLive.Vae;

namespace FlowLive.Tests.Models;

/// <summary>
/// The container shared by model and VAE files: its exact layout, refusal of another kind's file, and VAE files read
/// as carefully as model files (directories and endless devices refused before reading).
/// </summary>
public sealed class ModelContainerTests : IDisposable
{
    static readonly ContainerFormat Test = new("FLOWTEST", 7, Noun: "test file", VersionWording: "test files of version");
    readonly string directory = Directory.CreateTempSubdirectory("flowlive-container-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Written_blocks_read_back_exactly_in_the_documented_layout()
    {
        string path = Path.Combine(directory, "a.test");
        byte[] spec = "{\"a\": 1}"u8.ToArray();
        byte[] weights = [0, 1, 2, 255, 254];
        ModelContainer.Write(path, Test, spec, weights);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(8 + 4 + 8 + spec.Length + 8 + weights.Length + 32, bytes.Length);
        Assert.Equal("FLOWTEST"u8.ToArray(), bytes[..8]);
        Assert.Equal(7u, BitConverter.ToUInt32(bytes, 8));
        Assert.Equal(spec.Length, BitConverter.ToInt64(bytes, 12));
        Assert.Equal(weights.Length, BitConverter.ToInt64(bytes, 20 + spec.Length));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)), bytes[^32..]);

        var (readSpec, readWeights) = ModelContainer.Read(path, Test);
        Assert.Equal(spec, readSpec);
        Assert.Equal(weights, readWeights);
    }

    [Fact]
    public void Another_kind_or_version_is_refused_in_the_kinds_own_words()
    {
        string path = Path.Combine(directory, "a.test");
        ModelContainer.Write(path, Test, "{}"u8, []);
        var other = Assert.Throws<ModelFileException>(() => ModelContainer.Read(path, Test with { Magic = "FLOWLIVE", Noun = "model" }));
        Assert.Equal($"model file '{path}': not a FlowLive model (it does not start with \"FLOWLIVE\")", other.Message);
        var newer = Assert.Throws<ModelFileException>(() => ModelContainer.Read(path, Test with { Version = 6 }));
        Assert.Equal($"model file '{path}': format version 7 is unknown (this FlowLive reads test files of version 6)", newer.Message);
    }

    [Fact]
    public void A_directory_given_as_a_VAE_file_is_refused()
    {
        var error = Assert.Throws<ModelFileException>(() => VaeFile.Load(directory));
        Assert.Contains(directory, error.Message);
        Assert.Contains("is a directory", error.Message);
    }

    [SkippableFact]
    public void A_device_of_endless_zeros_given_as_a_VAE_file_is_refused_without_reading_it()
    {
        Skip.IfNot(File.Exists("/dev/zero"), "needs /dev/zero (Linux)");
        var error = Assert.Throws<ModelFileException>(() => VaeFile.ReadSpec("/dev/zero"));
        Assert.Contains("not a regular file", error.Message);
    }
}
