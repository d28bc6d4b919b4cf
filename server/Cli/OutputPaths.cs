using FlowLive.Models;

namespace FlowLive.Server.Cli;

/// <summary>
/// Output paths checked before any long work starts, so a bad --out never costs a finished training run: the folder
/// must be creatable and writable, the path must not be a directory, and model files end in .flow.
/// </summary>
public static class OutputPaths
{
    /// <summary>The model file to write: <paramref name="given"/>, or out/models/NAME.flow; checked now.</summary>
    public static string Model(FileInfo? given, string name, string flag)
    {
        if (given is not null && given.Extension != ModelFile.Extension)
            throw new UsageException(flag, $"'{given.Name}' must end in {ModelFile.Extension}");
        string path = given?.FullName ?? Path.GetFullPath(Path.Combine("out", "models", name + ModelFile.Extension));
        CheckWritable(path, flag);
        return path;
    }

    /// <summary>Throws a usage error naming <paramref name="flag"/> unless a file can be written at <paramref name="path"/>.</summary>
    public static void CheckWritable(string path, string flag)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException(flag, $"{full} is a directory; give a file path");
        string folder = Path.GetDirectoryName(full)!;
        if (full.StartsWith("/proc/", StringComparison.Ordinal) || full.StartsWith("/sys/", StringComparison.Ordinal))
            throw new UsageException(flag, $"{full} is in a kernel filesystem; choose a folder of your own");
        try
        {
            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".flowlive-write-check-{Guid.NewGuid():N}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException(flag, $"cannot write in {folder}: {e.Message}");
        }
    }
}
