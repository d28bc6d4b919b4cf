namespace FlowLive.Data;

/// <summary>A data file that cannot be read: names the file and says what is wrong with it.</summary>
public sealed class DataFileException(string path, string problem, Exception? inner = null)
    : IOException($"data file '{path}': {problem}", inner)
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}

/// <summary>
/// A tool or system package that FlowLive needs is not installed. The message says what is missing and gives
/// the exact command that installs it (<see cref="InstallCommand"/>).
/// </summary>
public sealed class MissingPrerequisiteException(string what, string installCommand, string? detail = null)
    : Exception($"{what} is not installed{(detail is null ? "" : $" ({detail})")}. Install it with: {installCommand}")
{
    public string What { get; } = what;
    public string InstallCommand { get; } = installCommand;
}
