namespace FlowLive.Cli;

public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The command ran and failed (a corrupt model file, a diverged training run, ...).</summary>
    public const int Failure = 1;
    /// <summary>The command line was wrong: unknown command, unknown flag, bad flag value.</summary>
    public const int Usage = 2;
}
