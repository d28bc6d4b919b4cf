namespace FlowLive.Cli.Bench.Compute;

/// <summary>
/// Which malloc a process runs on, read from the libraries mapped into it: the launcher preloads tcmalloc (see
/// allocator_preload in the flowlive script), and a bench figure means little without saying which heap it had.
/// The PyTorch script reports its own the same way.
/// </summary>
public static class HeapAllocator
{
    static readonly (string Library, string Name)[] Known =
        [("libtcmalloc", "tcmalloc"), ("libjemalloc", "jemalloc"), ("libmimalloc", "mimalloc")];

    /// <summary>"tcmalloc", "jemalloc" or "mimalloc" when one is mapped into this process, else "glibc".</summary>
    public static string Current()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
                foreach (var (library, name) in Known)
                    if (line.Contains('/' + library, StringComparison.Ordinal)) return name;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "unknown"; }
        return OperatingSystem.IsLinux() ? "glibc" : "unknown";
    }
}
