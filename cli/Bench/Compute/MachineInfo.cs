using System.Reflection;
using System.Runtime.InteropServices;
using FlowLive.Devices;

namespace FlowLive.Cli.Bench.Compute;

/// <summary>What the figures were measured on, for the JSON file: absolute times mean little without it.</summary>
public sealed record MachineInfo(string Cpu, int LogicalCores, double MemoryGigabytes, string OperatingSystem, string Kernel,
    string Runtime, string TorchSharp, bool VirtualMachine, string Allocator, string? MklKernels)
{
    public static MachineInfo Current()
    {
        var cpu = Fields("/proc/cpuinfo", ':');
        return new(
            cpu.GetValueOrDefault("model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            Environment.ProcessorCount,
            Fields("/proc/meminfo", ':').GetValueOrDefault("MemTotal") is string kb && long.TryParse(kb.Split(' ')[0], out var k) ? k / (1024.0 * 1024.0) : double.NaN,
            Fields("/etc/os-release", '=').GetValueOrDefault("PRETTY_NAME")?.Trim('"') ?? RuntimeInformation.OSDescription,
            ReadTrimmed("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.VersionString,
            RuntimeInformation.FrameworkDescription,
            typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                ?? typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?",
            cpu.GetValueOrDefault("flags")?.Split(' ').Contains("hypervisor") == true,
            HeapAllocator.Current(),
            Devices.MklKernels.Current());
    }

    /// <summary>The first value of each key in a "key SEPARATOR value" file such as /proc/cpuinfo; empty where it cannot be read.</summary>
    static Dictionary<string, string> Fields(string file, char separator)
    {
        var fields = new Dictionary<string, string>();
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                int at = line.IndexOf(separator);
                if (at > 0) fields.TryAdd(line[..at].Trim(), line[(at + 1)..].Trim());
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return fields;
    }

    static string? ReadTrimmed(string file)
    {
        try { return File.ReadAllText(file).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
