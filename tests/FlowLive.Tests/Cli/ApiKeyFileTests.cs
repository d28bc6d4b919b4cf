using FlowLive.Cli;

namespace FlowLive.Tests.Cli;

public sealed class ApiKeyFileTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("flowlive-apikey-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void The_key_is_the_files_one_line_without_its_newline()
    {
        var file = Write("key", "0123456789abcdef0123456789abcdef\n");
        Assert.Equal("0123456789abcdef0123456789abcdef", ApiKeyFile.Read(file));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("  \n", "is empty")]
    [InlineData("0123456789abcdef0123\nsecond-line-of-the-file", "more than one line")]
    [InlineData("short", "too short")]
    public void Files_that_hold_no_usable_key_are_refused_naming_the_flag(string content, string problem)
    {
        var error = Assert.Throws<UsageException>(() => ApiKeyFile.Read(Write("bad", content)));
        Assert.Equal("--api-key-file", error.Flag);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_the_flag()
    {
        var error = Assert.Throws<UsageException>(() => ApiKeyFile.Read(new FileInfo(Path.Combine(directory, "none"))));
        Assert.Equal("--api-key-file", error.Flag);
    }

    FileInfo Write(string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return new FileInfo(path);
    }
}
