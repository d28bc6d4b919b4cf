namespace FlowLive.Models;

/// <summary>
/// Where the small trained models that ship with FlowLive live (the repository's models/ folder): the demo, the
/// server and the viewer start from them, so nothing waits for training. FLOWLIVE_MODELS overrides the folder;
/// otherwise it is models/ under FLOWLIVE_ROOT (set by the ./flowlive script), else under the checkout that holds the
/// working directory or this program, else under the working directory.
/// </summary>
public static class BundledModels
{
    public static string Directory
    {
        get
        {
            if (Environment.GetEnvironmentVariable("FLOWLIVE_MODELS") is { Length: > 0 } models) return Path.GetFullPath(models);
            string root = Environment.GetEnvironmentVariable("FLOWLIVE_ROOT") is { Length: > 0 } r ? r
                : RepositoryAbove(System.IO.Directory.GetCurrentDirectory()) ?? RepositoryAbove(AppContext.BaseDirectory)
                  ?? System.IO.Directory.GetCurrentDirectory();
            return Path.GetFullPath(Path.Combine(root, "models"));
        }
    }

    /// <summary>
    /// The FlowLive checkout holding <paramref name="start"/> (the nearest folder above with FlowLive.sln and models/),
    /// so `dotnet test` and a server run straight from its build folder find the models without FLOWLIVE_ROOT.
    /// </summary>
    static string? RepositoryAbove(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FlowLive.sln")) && System.IO.Directory.Exists(Path.Combine(dir.FullName, "models")))
                return dir.FullName;
        return null;
    }

    /// <summary>The bundled model called <paramref name="name"/> (file stem), or null when it is not there.</summary>
    public static string? Find(string name)
    {
        string path = Path.Combine(Directory, name + ModelFile.Extension);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Every bundled model file, by name.</summary>
    public static IReadOnlyList<string> All() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "*" + ModelFile.Extension).Order(StringComparer.Ordinal).ToList()
            : [];
}
