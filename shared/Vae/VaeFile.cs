using System.Text;
using System.Text.Json;
using FlowLive.Flows;
using FlowLive.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Vae;

/// <summary>
/// A trained VAE on disk (".vae"), in the layout of <see cref="ModelFile"/> (<see cref="ModelContainer"/>) with its own
/// magic, so neither kind of file can be mistaken for the other. Little-endian: "FLOWLVAE" | uint32 format version |
/// int64 n | n bytes of <see cref="VaeModelSpec"/> JSON (UTF-8, <see cref="SpecJson"/> options, so the prior's flow spec is written as in
/// model files) | int64 m | m bytes of TorchSharp weights (Module.save) | 32 bytes SHA-256 of everything before.
/// Writes are atomic (<see cref="AtomicFile"/>); every problem reading a file is a <see cref="ModelFileException"/> naming it.
/// </summary>
public static class VaeFile
{
    public const string Extension = ".vae";
    public const uint FormatVersion = 1;
    static readonly ContainerFormat Format = new("FLOWLVAE", FormatVersion, Noun: "VAE", VersionWording: "VAE files of version");

    /// <summary>Writes <paramref name="vae"/>'s weights with <paramref name="spec"/> (its VAE spec and dtype taken from the model), atomically.</summary>
    public static void Save(string path, VaeModelSpec spec, BernoulliVae vae)
    {
        spec = spec with { Vae = vae.Spec, Dtype = ModuleWeights.DtypeName(ModuleWeights.DtypeOf(vae.Module)) };
        ModelContainer.Write(path, Format, Encoding.UTF8.GetBytes(SpecJson.Serialize(spec)), ModuleWeights.Serialize(vae.Module));
    }

    /// <summary>Reads only the spec, after checking the whole file.</summary>
    public static VaeModelSpec ReadSpec(string path) => Parse(path).Spec;

    /// <summary>Reads a VAE with its saved weights, on the CPU in the saved dtype, in evaluation mode.</summary>
    public static LoadedVae Load(string path)
    {
        var (spec, weights) = Parse(path);
        BernoulliVae vae;
        try
        {
            // The initial weights are overwritten below; a fixed generator keeps loading free of global state.
            using var generator = new Generator(0);
            vae = BernoulliVae.Create(spec.Vae, generator);
        }
        catch (Exception e) when (e is FlowShapeException or ArgumentException or InvalidOperationException)
        {
            throw new ModelFileException(path, $"its VAE spec cannot be built: {e.Message}", e);
        }
        try
        {
            vae.Module.to(ModuleWeights.ParseDtype(path, spec.Dtype));
            using var reader = new BinaryReader(new MemoryStream(weights));
            vae.Module.load(reader, strict: true);
            vae.Train(false);
            return new LoadedVae(path, spec, vae);
        }
        catch (Exception e)
        {
            vae.Dispose();
            if (e is ModelFileException) throw;
            throw new ModelFileException(path, $"its weights do not fit its spec: {e.Message}", e);
        }
    }

    static (VaeModelSpec Spec, byte[] Weights) Parse(string path)
    {
        var (specBytes, weights) = ModelContainer.Read(path, Format);
        try
        {
            return (SpecJson.Deserialize<VaeModelSpec>(Encoding.UTF8.GetString(specBytes)), weights);
        }
        catch (JsonException e)
        {
            throw new ModelFileException(path, $"its spec is not valid: {e.Message}", e);
        }
    }
}
