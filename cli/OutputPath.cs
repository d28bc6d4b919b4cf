namespace FlowLive.Cli;

/// <summary>
/// Checks an output file flag (sample's, train's and demo's --out) before any work is done, so that minutes of
/// sampling or training never end in "cannot write": the name must end in an allowed extension, must not be an
/// existing directory nor lie in a virtual file system (/proc, /sys, /dev), and its folder must exist or be creatable
/// and take a new file. Problems with the value itself are usage errors (exit 2); a folder that refuses writes is a
/// failure (exit 1); either way the message names the flag and the path.
/// </summary>
public static class OutputPath
{
    static readonly string[] VirtualFileSystems = ["/proc", "/sys", "/dev"];

    /// <summary>The full path of <paramref name="path"/> once it is known to be writable; see the class comment.</summary>
    /// <param name="extensions">Allowed endings, e.g. ".csv", ".png" (any case); none allows any name.</param>
    public static string Check(string path, string flag, params string[] extensions)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UsageException(flag, "needs a file name");
        string full = Path.GetFullPath(path);
        string name = Path.GetFileName(full);
        if (Directory.Exists(full))
            throw new UsageException(flag, $"'{full}' is a directory; give a file name{Endings(extensions)}");
        if (extensions.Length > 0 && !extensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            throw new UsageException(flag, $"'{name}' must end in {string.Join(" or ", extensions)}");
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            string? system = VirtualFileSystems.FirstOrDefault(v => full == v || full.StartsWith(v + "/", StringComparison.Ordinal));
            if (system is not null) throw new UsageException(flag, $"'{full}' is under {system}, which holds no ordinary files");
        }
        string folder = Path.GetDirectoryName(full)!;
        try
        {
            Directory.CreateDirectory(folder);
            // A probe file tells what permissions, read-only mounts and full disks would only tell at the end.
            string probe = Path.Combine(folder, $".flowlive-probe-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{flag}: cannot write '{full}': the folder '{folder}' does not take new files ({e.Message})", e);
        }
        return full;
    }

    static string Endings(string[] extensions) => extensions.Length == 0 ? "" : $" ending in {string.Join(" or ", extensions)}";
}
