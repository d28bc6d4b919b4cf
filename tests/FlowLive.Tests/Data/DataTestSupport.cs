using FlowLive.Data;

namespace FlowLive.Tests.Data;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"flowlive-test-{Guid.NewGuid():N}");
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Whether the tools and packages some data tests need are on this machine.</summary>
public static class Prerequisites
{
    public static bool HasNpm => MnistFromNpm.FindExecutable("npm") is not null;
    public static bool HasFashionMnist => FashionMnist.IsInstalled();
}

/// <summary>A fact that is reported as skipped, with the install command, when npm is not on PATH.</summary>
public sealed class FactRequiringNpmAttribute : FactAttribute
{
    public FactRequiringNpmAttribute()
    {
        if (!Prerequisites.HasNpm) Skip = $"npm is not on PATH; install it with: {MnistFromNpm.NpmInstallCommand}";
    }
}

/// <summary>A fact that is reported as skipped, with the install command, when Debian's Fashion-MNIST is absent.</summary>
public sealed class FactRequiringFashionMnistAttribute : FactAttribute
{
    public FactRequiringFashionMnistAttribute()
    {
        if (!Prerequisites.HasFashionMnist)
            Skip = $"Fashion-MNIST is not in {FashionMnist.DefaultDirectory}; install it with: {FashionMnist.InstallCommand}";
    }
}
