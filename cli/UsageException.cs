namespace FlowLive.Cli;

/// <summary>A bad value for a flag that could only be judged when the command ran; exits with code 2.</summary>
public sealed class UsageException(string flag, string problem) : Exception($"{flag}: {problem}")
{
    public string Flag { get; } = flag;
}
