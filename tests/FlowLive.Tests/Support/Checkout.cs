namespace FlowLive.Tests.Support;

/// <summary>
/// The FlowLive checkout the tests run from, for the files that are not build output (protos/, the Python clients,
/// the ./flowlive script's .flowlive/ state): FLOWLIVE_ROOT when the script set it, else the nearest folder above the
/// test binaries with FlowLive.sln (the rule BundledModels follows for models/).
/// </summary>
public static class Checkout
{
    public static string? Root
    {
        get
        {
            if (Environment.GetEnvironmentVariable("FLOWLIVE_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, "FlowLive.sln")))
                return Path.GetFullPath(root);
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "FlowLive.sln"))) return dir.FullName;
            return null;
        }
    }

    /// <summary>The checkout's root, or a skip saying the test needs one.</summary>
    public static string RequireRoot() =>
        Root ?? throw new Xunit.SkipException("not run from a FlowLive checkout (no FlowLive.sln above the test binaries; set FLOWLIVE_ROOT)");
}
