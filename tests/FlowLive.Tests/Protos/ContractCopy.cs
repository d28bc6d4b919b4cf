using FlowLive.Tests.Support;

namespace FlowLive.Tests.Protos;

/// <summary>
/// A throwaway copy of the contract (buf.yaml and every .proto under protos/, nothing built) to change and check
/// against the committed image, which stays in the checkout.
/// </summary>
public sealed class ContractCopy : IDisposable
{
    public ContractCopy()
    {
        Contract = Path.Combine(Checkout.RequireRoot(), "protos");
        Directory = System.IO.Directory.CreateTempSubdirectory("flowlive-contract-").FullName;
        File.Copy(Path.Combine(Contract, "buf.yaml"), Path.Combine(Directory, "buf.yaml"));
        foreach (string proto in System.IO.Directory.GetFiles(Path.Combine(Contract, "flowlive"), "*.proto", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(Directory, Path.GetRelativePath(Contract, proto));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(proto, copy);
        }
    }

    /// <summary>The checkout's protos/ folder.</summary>
    public string Contract { get; }

    /// <summary>The copy.</summary>
    public string Directory { get; }

    /// <summary>The released contract's image, in the checkout.</summary>
    public string Image => Path.Combine(Contract, "flowlive-v1.binpb");

    /// <summary>Replaces the one occurrence of <paramref name="find"/> in a copied file (a path under protos/).</summary>
    public void Edit(string file, string find, string replace)
    {
        string path = Path.Combine(Directory, file);
        string text = File.ReadAllText(path);
        int at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0 && text.IndexOf(find, at + 1, StringComparison.Ordinal) < 0, $"'{find}' is not in {file} exactly once");
        File.WriteAllText(path, text[..at] + replace + text[(at + find.Length)..]);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
