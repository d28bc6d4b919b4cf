using System.Text;
using System.Text.Json;
using FlowLive.Flows;
using static TorchSharp.torch;

namespace FlowLive.Models;

/// <summary>
/// A trained flow on disk (".flow"): spec and weights in one file, checked by SHA-256.
///
/// Layout (<see cref="ModelContainer"/>, little-endian): "FLOWLIVE" | uint32 format version | int64 n | n bytes of spec
/// JSON (UTF-8) | int64 m | m bytes of TorchSharp weights | 32 bytes SHA-256 of everything before.
/// Writes go to a temporary file beside the target and are renamed over it, so readers never see half a model.
/// </summary>
public static class ModelFile
{
    public const string Extension = ".flow";
    public const uint FormatVersion = 1;
    static readonly ContainerFormat Format = new("FLOWLIVE", FormatVersion, Noun: "model", VersionWording: "version");

    /// <summary>Writes <paramref name="flow"/>'s weights with <paramref name="spec"/>, atomically.</summary>
    public static void Save(string path, ModelSpec spec, Flow flow)
    {
        spec = spec with { Flow = flow.Spec, DataShape = flow.DataShape, Dtype = ModuleWeights.DtypeName(ModuleWeights.DtypeOf(flow.Module)) };
        ModelContainer.Write(path, Format, Encoding.UTF8.GetBytes(SpecJson.Serialize(spec)), ModuleWeights.Serialize(flow.Module));
    }

    /// <summary>
    /// Reads only the spec (cheap: no weights are built, no tensor is allocated), after checking the whole file: its
    /// checksum, every spec field against <see cref="SpecLimits"/>, and the spec against the tensor shapes it stores.
    /// </summary>
    public static ModelSpec ReadSpec(string path) => Parse(path).Spec;

    /// <summary>The spec and the stored tensors' names and shapes, checked as <see cref="ReadSpec"/> does; builds nothing.</summary>
    public static (ModelSpec Spec, IReadOnlyList<WeightsHeader.Entry> Tensors) ReadContents(string path)
    {
        var (spec, _, tensors) = Parse(path);
        return (spec, tensors);
    }

    /// <summary>Reads a model and builds its flow with the saved weights, on the CPU in the saved dtype.</summary>
    public static LoadedModel Load(string path) => Load(path, ReadBytes(path));

    /// <summary>
    /// The whole file as <see cref="Load(string)"/> reads it: regular files only (no pipe, device or directory is
    /// opened), links followed, at most <see cref="SpecLimits.MaxModelFileBytes"/>.
    /// </summary>
    public static byte[] ReadBytes(string path) => ModelContainer.ReadFile(path, Format);

    /// <summary>As <see cref="Load(string)"/>, from the file's bytes (<see cref="ReadBytes"/>); <paramref name="path"/> names it in errors.</summary>
    public static LoadedModel Load(string path, byte[] bytes)
    {
        var (spec, weights, _) = Parse(path, bytes);
        Flow flow;
        try
        {
            flow = spec.Flow.Build();
        }
        catch (Exception e)
        {
            throw new ModelFileException(path, $"its flow spec cannot be built: {e.Message}", e);
        }
        if (spec.DataShape is { } expected && expected != flow.DataShape)
        {
            flow.Dispose();
            throw new ModelFileException(path, $"its data shape {expected} does not match its layers, which produce {flow.DataShape}");
        }
        try
        {
            flow.To(CPU, ModuleWeights.ParseDtype(path, spec.Dtype));
            using var reader = new BinaryReader(new MemoryStream(weights));
            flow.Module.load(reader, strict: true);
            flow.Train(false);
            return new LoadedModel(path, spec, flow);
        }
        catch (Exception e) when (e is not ModelFileException)
        {
            flow.Dispose();
            throw new ModelFileException(path, $"its weights do not fit its spec: {e.Message}", e);
        }
    }

    static (ModelSpec Spec, byte[] Weights, IReadOnlyList<WeightsHeader.Entry> Tensors) Parse(string path) => Parse(path, ReadBytes(path));

    static (ModelSpec Spec, byte[] Weights, IReadOnlyList<WeightsHeader.Entry> Tensors) Parse(string path, byte[] bytes)
    {
        var (specBytes, weights) = ModelContainer.Read(path, bytes, Format);
        var spec = DeserializeSpec(path, specBytes);
        return (spec, weights, CheckAgainstWeights(path, spec, weights));
    }

    /// <summary>The spec, or a <see cref="ModelFileException"/> naming the field for any malformed one (nulls, wrong kinds, bad sizes).</summary>
    static ModelSpec DeserializeSpec(string path, byte[] specBytes)
    {
        ModelSpec spec;
        try
        {
            spec = SpecJson.Deserialize<ModelSpec>(Encoding.UTF8.GetString(specBytes));
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException
                                       or FormatException or OverflowException)
        {
            throw new ModelFileException(path, $"its spec is not valid: {SpecJson.Describe(e)}", e);
        }
        if (SpecCheck.FirstProblem(spec) is { } problem)
            throw new ModelFileException(path, $"its spec is not valid: {problem}");
        if (spec.Dtype is not ("float32" or "float64"))
            throw new ModelFileException(path, $"its spec is not valid: spec.dtype: '{spec.Dtype}' is unknown (float32 or float64)");
        return spec;
    }

    /// <summary>
    /// Refuses a spec that implies more weights than the file stores (read from the weights block's header, no tensor
    /// built), so a small file cannot ask for a huge flow.
    /// </summary>
    static IReadOnlyList<WeightsHeader.Entry> CheckAgainstWeights(string path, ModelSpec spec, byte[] weights)
    {
        IReadOnlyList<WeightsHeader.Entry> stored;
        try { stored = WeightsHeader.Read(weights); }
        catch (InvalidDataException e) { throw new ModelFileException(path, $"its weights block is malformed: {e.Message}", e); }
        long storedValues = stored.Sum(t => t.Values);
        var parts = SpecCheck.MinimumWeightsByPart(spec.Flow);
        long needed = parts.Sum(p => p.Weights);
        if (needed > storedValues)
        {
            var largest = parts.MaxBy(p => p.Weights);
            throw new ModelFileException(path,
                $"its spec is not valid: it implies at least {needed:N0} weights ({largest.Weights:N0} of them for {largest.Field}), " +
                $"but the file stores {storedValues:N0} in {stored.Count} tensors");
        }
        return stored;
    }
}
