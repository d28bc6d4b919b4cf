using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Models;

/// <summary>
/// A module's weights as <see cref="ModelContainer"/> files store them: TorchSharp's Module.save bytes, and the dtype
/// the spec records so that loading builds the module in the same precision ("float32" or "float64", nothing else).
/// </summary>
public static class ModuleWeights
{
    /// <summary>The bytes TorchSharp's <c>Module.save</c> writes for <paramref name="module"/>.</summary>
    public static byte[] Serialize(nn.Module module)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            module.save(writer);
        return stream.ToArray();
    }

    /// <summary>The dtype of the first floating-point parameter or buffer; float32 for a module with none.</summary>
    public static ScalarType DtypeOf(nn.Module module) =>
        module.parameters().Concat(module.buffers()).Where(t => t.is_floating_point()).Select(t => t.dtype).FirstOrDefault(ScalarType.Float32);

    /// <summary>The spec's name for <paramref name="dtype"/>; only float32 and float64 weights can be saved.</summary>
    public static string DtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "float64",
        ScalarType.Float32 => "float32",
        _ => throw new NotSupportedException($"weights of type {dtype} cannot be saved; use float32 or float64"),
    };

    /// <summary>The dtype a spec of the file at <paramref name="path"/> names, or a <see cref="ModelFileException"/> naming the file.</summary>
    public static ScalarType ParseDtype(string path, string name) => name switch
    {
        "float64" => ScalarType.Float64,
        "float32" => ScalarType.Float32,
        _ => throw new ModelFileException(path, $"dtype '{name}' is unknown (float32 or float64)"),
    };
}
