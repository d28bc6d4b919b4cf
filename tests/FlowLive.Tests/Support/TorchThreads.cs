using System.Runtime.CompilerServices;

namespace FlowLive.Tests.Support;

static class TorchThreads
{
    /// <summary>
    /// xunit already runs test classes in parallel on every core; libtorch's own thread pool on top of that
    /// oversubscribes the machine (seen here: ten times slower on 2 cores), and the tensors in tests are small.
    /// </summary>
    [ModuleInitializer]
    internal static void OneThreadPerTest() => TorchSharp.torch.set_num_threads(1);
}
