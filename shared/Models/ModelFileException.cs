namespace FlowLive.Models;

/// <summary>A model file that cannot be read: names the file and says what is wrong with it.</summary>
public sealed class ModelFileException(string path, string problem, Exception? inner = null)
    : Exception($"model file '{path}': {problem}", inner)
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}
