using FlowLive.Tests.Support;

namespace FlowLive.Tests.Protos;

/// <summary>
/// The buf the ./flowlive script installs for the tests (npm's @bufbuild/buf into .flowlive/npm, whose platform
/// package holds buf's own binary), run on a folder of .proto files with the contract's buf.yaml.
/// </summary>
public static class Buf
{
    public const string Version = "1.75.0";

    /// <summary>The binary, or a skip saying how to get it.</summary>
    public static string Require()
    {
        string root = Checkout.RequireRoot();
        string packages = Path.Combine(root, ".flowlive", "npm", "node_modules", "@bufbuild");
        string? binary = Directory.Exists(packages)
            ? Directory.GetDirectories(packages, "buf-*").Select(d => Path.Combine(d, "bin", "buf")).FirstOrDefault(File.Exists)
            : null;
        Skip.If(binary is null, $"buf is not installed in {packages} (./flowlive test installs @bufbuild/buf@{Version} with npm)");
        return binary!;
    }

    /// <summary>
    /// Runs buf in <paramref name="module"/> (a folder holding buf.yaml), with its cache in a folder of its own so no
    /// run depends on another's. Errors come as JSON lines (one per problem, with its rule as "type").
    /// </summary>
    public static async Task<ExternalProcess.Outcome> Run(string module, params string[] arguments)
    {
        string cache = Directory.CreateTempSubdirectory("flowlive-buf-cache-").FullName;
        try
        {
            return await ExternalProcess.RunAsync(Require(), [.. arguments, "--error-format", "json"], module,
                new Dictionary<string, string?> { ["BUF_CACHE_DIR"] = cache });
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
