using FlowLive.Server;

namespace FlowLive.Cli;

/// <summary>
/// `flowlive serve --api-key-file FILE`: the key is read from a file (or the FlowLive__ApiKey environment variable)
/// and never taken on the command line, where anyone on the machine could read it with ps.
/// </summary>
public static class ApiKeyFile
{
    public const string Flag = "--api-key-file";

    public static string Read(FileInfo file)
    {
        if (!file.Exists) throw new UsageException(Flag, $"no file at {file.FullName}");
        string key;
        try { key = File.ReadAllText(file.FullName).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException(Flag, $"cannot read {file.FullName}: {e.Message}");
        }
        if (key.Length == 0) throw new UsageException(Flag, $"{file.FullName} is empty");
        if (key.Contains('\n')) throw new UsageException(Flag, $"{file.FullName} holds more than one line: put the key alone on one line");
        if (key.Length < ServerBinding.MinimumApiKeyLength)
            throw new UsageException(Flag, $"the key in {file.FullName} is too short: use at least {ServerBinding.MinimumApiKeyLength} characters (e.g. `openssl rand -hex 32`)");
        return key;
    }
}
