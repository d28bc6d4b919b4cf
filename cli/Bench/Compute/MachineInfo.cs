using System.Reflection;
using System.Runtime.InteropServices;

namespace FlowLive.Cli.Bench.Compute;

/// <summary>What the figures were measured on, for the JSON file: absolute times mean little without it.</summary>
public sealed record MachineInfo(string Cpu, int LogicalCores, double MemoryGigabytes, string OperatingSystem, string Kernel,
    string Runtime, string TorchSharp, string? Hypervisor)
{
    public static MachineInfo Current() => new(
        FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        (FirstValue("/proc/meminfo", "MemTotal") is string kb && long.TryParse(kb.Split(' ')[0], out var k) ? k / (1024.0 * 1024.0) : double.NaN),
        OsRelease() ?? RuntimeInformation.OSDescription,
        ReadTrimmed("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.VersionString,
        RuntimeInformation.FrameworkDescription,
        typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?",
        FirstValue("/proc/cpuinfo", "flags") is string flags && flags.Split(' ').Contains("hypervisor") ? "yes" : null);

    static string? FirstValue(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                int colon = line.IndexOf(':');
                if (colon > 0 && line[..colon].Trim() == key) return line[(colon + 1)..].Trim();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    static string? OsRelease() =>
        FirstValueEquals("/etc/os-release", "PRETTY_NAME")?.Trim('"');

    static string? FirstValueEquals(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
                if (line.StartsWith(key + "=", StringComparison.Ordinal)) return line[(key.Length + 1)..];
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    static string? ReadTrimmed(string file)
    {
        try { return File.ReadAllText(file).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
