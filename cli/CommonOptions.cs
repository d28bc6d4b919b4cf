using System.CommandLine;
using FlowLive.Devices;

namespace FlowLive.Cli;

/// <summary>Flags that several commands share, declared once so they read the same everywhere.</summary>
public static class CommonOptions
{
    public static Option<string> Device() => new Option<string>("--device")
    {
        Description = "where to compute: auto (CUDA when available), cpu or cuda",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong([.. DeviceChoice.Names]);

    public static Option<long> Seed() => new("--seed")
    {
        Description = "random seed (same seed, same result)",
        DefaultValueFactory = _ => 0,
    };

    public static Option<int> Positive(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (Parsed<int>(result) is int value && value < 1) result.AddError($"{name} must be at least 1");
        });
        return option;
    }

    public static Option<double> PositiveReal(string name, string description, double defaultValue)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (Parsed<double>(result) is double value && (!(value > 0) || double.IsInfinity(value)))
                result.AddError($"{name} must be a positive number");
        });
        return option;
    }

    /// <summary>The option's value, or null when it did not even parse (the parser reports that error itself).</summary>
    public static T? Parsed<T>(System.CommandLine.Parsing.OptionResult result) where T : struct
    {
        try { return result.GetValueOrDefault<T>(); }
        catch (InvalidOperationException) { return null; }
    }

    /// <summary>Turns a device name into a device, naming the flag when that device is not there.</summary>
    public static TorchSharp.torch.Device ResolveDevice(string name)
    {
        try { return DeviceChoice.Resolve(name); }
        catch (ArgumentException e) { throw new UsageException("--device", e.Message); }
    }
}
