namespace FlowLive.Devices;

/// <summary>
/// The files mapped into this process, from /proc/self/maps: how <see cref="HeapAllocator"/> and <see cref="MklKernels"/>
/// tell what the launcher preloaded (the PyTorch bench script reads its own the same way, mapped_libraries()).
/// </summary>
internal static class MappedLibraries
{
    /// <summary>The path of each mapping that names a file (repeats included); null where /proc/self/maps cannot be read (not Linux).</summary>
    public static IEnumerable<string>? Paths()
    {
        try
        {
            return File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/') is int at and >= 0 ? line[at..] : null)
                .OfType<string>()
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
