namespace FlowLive.Devices;

/// <summary>
/// Which malloc a process runs on, read from the libraries mapped into it: the launcher preloads tcmalloc (see
/// allocator_preload in the flowlive script), because glibc's heap fragments under libtorch's aligned allocations;
/// the server says which at start-up and the bench beside its figures (its PyTorch script reports its own the same way).
/// </summary>
public static class HeapAllocator
{
    static readonly (string Library, string Name)[] Known =
        [("libtcmalloc", "tcmalloc"), ("libjemalloc", "jemalloc"), ("libmimalloc", "mimalloc")];

    public const string Glibc = "glibc";

    /// <summary>"tcmalloc", "jemalloc" or "mimalloc" when one is mapped into this process, else "glibc" (Linux).</summary>
    public static string Current()
    {
        if (MappedLibraries.Paths() is not { } paths) return "unknown";
        foreach (string path in paths)
            foreach (var (library, name) in Known)
                if (path.Contains('/' + library, StringComparison.Ordinal)) return name;
        return OperatingSystem.IsLinux() ? Glibc : "unknown";
    }
}
