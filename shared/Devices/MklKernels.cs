using System.Runtime.InteropServices;

namespace FlowLive.Devices;

/// <summary>
/// Which kernels libtorch's MKL runs its matrix products on in this process. MKL picks by CPU vendor first: on an
/// x86-64 CPU that is not Intel's it runs generic kernels, a third slower here, unless the launcher's
/// build/mkl_feature_dispatch.c (mkl_dispatch_preload in the flowlive script) answers its vendor check, which shows
/// as that library mapped into the process. The server says which at start-up and the bench beside its figures.
/// </summary>
public static class MklKernels
{
    /// <summary>The library the flowlive script builds from build/mkl_feature_dispatch.c and preloads.</summary>
    public const string DispatchLibrary = "libmkl_feature_dispatch.so";

    public const string ByFeatures = "cpu-features";
    public const string Generic = "generic";

    /// <summary>
    /// <see cref="ByFeatures"/> (an Intel CPU, or MKL's vendor check answered), <see cref="Generic"/> (another
    /// vendor's CPU with the check unanswered), or null where MKL plays no part (not x86-64 Linux).
    /// </summary>
    public static string? Current()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return null;
        if (CpuVendor() == "GenuineIntel" || DispatchLibraryMapped()) return ByFeatures;
        return Generic;
    }

    /// <summary>cpuid's vendor string ("GenuineIntel", "AuthenticAMD", ...), null where /proc/cpuinfo cannot be read.</summary>
    public static string? CpuVendor()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("vendor_id", StringComparison.Ordinal) && line.IndexOf(':') is int at and > 0)
                    return line[(at + 1)..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    static bool DispatchLibraryMapped() =>
        MappedLibraries.Paths()?.Any(path => path.EndsWith('/' + DispatchLibrary, StringComparison.Ordinal)) == true;
}
