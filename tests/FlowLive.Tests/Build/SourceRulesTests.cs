using System.Text.RegularExpressions;

namespace FlowLive.Tests.Build;

/// <summary>Rules the sources keep because breaking them compiles, runs and gives wrong figures without a sound.</summary>
public sealed class SourceRulesTests
{
    /// <summary>
    /// TorchSharp's Tensor has both sum(long dim, ...) and sum(ScalarType? type), and C# converts the constant 0 (only 0)
    /// to any enum, preferring that overload: <c>x.sum(0)</c> sums the whole tensor into a Byte (ScalarType 0), not over
    /// dimension 0. prod has the same pair. A bench harness fell into it (docs/performance.md, "A wrong lead").
    /// </summary>
    [SkippableFact]
    public void No_sum_or_prod_takes_a_literal_0_which_TorchSharp_reads_as_a_dtype()
    {
        string root = Path.GetDirectoryName(ScriptTests.Script())!;
        var literalZero = new Regex(@"\.(sum|prod)\(\s*0\s*\)");
        var offences = new[] { "shared", "server", "cli", "viewer", "tests" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                           !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, number: i + 1)))
            .Where(l => literalZero.IsMatch(l.line) && !l.line.TrimStart().StartsWith("///"))
            .Select(l => $"{Path.GetRelativePath(root, l.file)}:{l.number}: {l.line.Trim()}")
            .ToList();
        Assert.True(offences.Count == 0, "write sum(new long[] { 0 }) or sum(dim: 0), not sum(0):\n" + string.Join("\n", offences));
    }
}
