using static TorchSharp.torch;

namespace FlowLive.Devices;

/// <summary>
/// Where tensors live: `auto` takes CUDA when this build has a CUDA libtorch (FLOWLIVE_TORCH=cuda) and a GPU
/// answers, else the CPU; `cpu` and `cuda` are explicit. Asking for CUDA where there is none is an error, not a
/// silent fallback, so a lecture demo never pretends to use a GPU it does not have.
/// </summary>
public static class DeviceChoice
{
    public static readonly IReadOnlyList<string> Names = ["auto", "cpu", "cuda"];

    public static Device Resolve(string name) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => cuda.is_available() ? CUDA : CPU,
        "cpu" => CPU,
        "cuda" => cuda.is_available()
            ? CUDA
            : throw new ArgumentException(
                "CUDA is not available: this build uses the CPU libtorch or no NVIDIA GPU answers " +
                "(rebuild with FLOWLIVE_TORCH=cuda on a machine with a GPU, or use --device cpu)"),
        _ => throw new ArgumentException($"unknown device '{name}' (expected one of: {string.Join(", ", Names)})"),
    };
}
