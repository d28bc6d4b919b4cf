namespace FlowLive.Data;

public enum DataSplit { Train, Test }

/// <summary>
/// A directory laid out like the original MNIST download: train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each plain or ".gz". Fashion-MNIST and FlowLive's own
/// converted digits use the same names, so <c>--data-dir</c> can point at any of them. The dotted spelling some
/// unpackers produce (train-images.idx3-ubyte) is accepted too. When several candidates exist (a plain and a ".gz"
/// file, say), the first complete one is read (<see cref="IdxReader.IsComplete"/>: the plain one unless it is
/// truncated), and <see cref="Skipped"/> says which were passed over and why, so a cut-short leftover beside a good
/// file neither hides it nor makes every run fail.
/// </summary>
public sealed class DataDirectory(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>"train" or "t10k", the prefix MNIST's files use for each split.</summary>
    public static string Prefix(DataSplit split) => split == DataSplit.Train ? "train" : "t10k";

    /// <summary>The standard (gzip) file name of a split's images or labels, as FlowLive writes it.</summary>
    public static string StandardName(DataSplit split, bool labels) =>
        $"{Prefix(split)}-{(labels ? "labels-idx1" : "images-idx3")}-ubyte.gz";

    /// <summary>Names tried for a split's images or labels, in order of preference.</summary>
    public static IReadOnlyList<string> CandidateNames(DataSplit split, bool labels)
    {
        string kind = labels ? "labels" : "images";
        string rank = labels ? "idx1" : "idx3";
        string prefix = Prefix(split);
        string[] stems = [$"{prefix}-{kind}-{rank}-ubyte", $"{prefix}-{kind}.{rank}-ubyte"];
        return [.. stems, .. stems.Select(s => s + ".gz")];
    }

    /// <summary>The images and labels files of <paramref name="split"/>, or null when either is missing.</summary>
    public (string Images, string Labels)? TryFind(DataSplit split) =>
        FindFile(split, labels: false) is { } images && FindFile(split, labels: true) is { } labels ? (images, labels) : null;

    /// <summary>The images and labels files of <paramref name="split"/>; throws naming the directory and the names tried.</summary>
    public (string Images, string Labels) Find(DataSplit split) =>
        (FindFile(split, labels: false) ?? throw Missing(split, labels: false),
         FindFile(split, labels: true) ?? throw Missing(split, labels: true));

    /// <summary>True when both splits are complete (the files exist; their contents are checked when loaded).</summary>
    public bool HasAllSplits => TryFind(DataSplit.Train) is not null && TryFind(DataSplit.Test) is not null;

    public ImageDataset Load(DataSplit split, IReadOnlyList<string> classNames)
    {
        var (images, labels) = Find(split);
        return ImageDataset.Load(images, labels, classNames);
    }

    /// <summary>Number of samples of a split, from the headers alone (cheap).</summary>
    public int Count(DataSplit split) => IdxReader.ReadHeader(Find(split).Labels).Count;

    public override string ToString() => Path;

    /// <summary>Files passed over for a complete one of the same array, each with the reason.</summary>
    public IReadOnlyList<string> Skipped => skipped.ToList();

    readonly HashSet<string> skipped = [];

    string? FindFile(DataSplit split, bool labels)
    {
        var existing = CandidateNames(split, labels).Select(n => System.IO.Path.Combine(Path, n)).Where(File.Exists).ToList();
        if (existing.Count <= 1) return existing.FirstOrDefault();
        // With no complete candidate, the first is read so that the reader reports what is wrong with it.
        string chosen = existing.FirstOrDefault(IdxReader.IsComplete) ?? existing[0];
        foreach (string other in existing.TakeWhile(f => f != chosen))
            skipped.Add($"'{other}' is incomplete (truncated?); read '{System.IO.Path.GetFileName(chosen)}' instead");
        return chosen;
    }

    FileNotFoundException Missing(DataSplit split, bool labels) =>
        new($"no {Prefix(split)} {(labels ? "labels" : "images")} file in '{Path}' (looked for " +
            $"{string.Join(", ", CandidateNames(split, labels))})");
}
