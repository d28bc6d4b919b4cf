using FlowLive.Devices;
using static TorchSharp.torch;

namespace FlowLive.Tests.Build;

/// <summary>
/// A check that runs in a process of its own (see <see cref="Viewer.Platform.SelfProcess"/>), because what answers
/// MKL's vendor check is fixed when the process starts (LD_PRELOAD): one matrix product, with MKL_VERBOSE set by the
/// test so that MKL prints which kernels it chose, and the process's own reading of it.
/// </summary>
internal static class MklChecks
{
    public const string OneProduct = "mkl-one-product";

    /// <summary>Prints MKL's MKL_VERBOSE lines for one 256-square product, then "mkl kernels NAME".</summary>
    public static int RunOneProduct()
    {
        using (var scope = NewDisposeScope())
        {
            var a = ones(256, 256);
            a.mm(a);
        }
        Console.WriteLine($"mkl kernels {MklKernels.Current() ?? "none"}");
        return 0;
    }
}
