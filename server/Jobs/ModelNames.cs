using FlowLive.Server.Wire;

namespace FlowLive.Server.Jobs;

/// <summary>
/// Names a job's model may be served under. The name is also the file's stem in the jobs folder, so it is kept to
/// letters, digits, '-', '_' and '.', never starts with '.' (hidden files, "..") and stays short.
/// </summary>
public static class ModelNames
{
    public const int MaxLength = 100;

    /// <summary><paramref name="name"/> when it is a valid model name; INVALID_ARGUMENT naming model_name otherwise.</summary>
    public static string Check(string name)
    {
        if (name.Length > MaxLength) throw Problems.Invalid("model_name", $"at most {MaxLength} characters, got {name.Length}");
        if (name[0] == '.') throw Problems.Invalid("model_name", $"'{name}' starts with '.'; start with a letter, digit, '-' or '_'");
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                throw Problems.Invalid("model_name", $"'{name}' has '{c}'; use letters, digits, '-', '_' and '.'");
        return name;
    }
}
