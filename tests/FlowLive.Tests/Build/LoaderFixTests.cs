using FlowLive.Build;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Build;

/// <summary>The Debian 12 loader fix: TorchSharp loads from the build output, and the patch itself is sound.</summary>
public sealed class LoaderFixTests
{
    const string Glibcxx332 = "GLIBCXX_3.4.32";

    static string OutputNative() =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();

    [Fact]
    public void TorchSharp_loads_and_runs_an_autograd_step()
    {
        using var scope = NewDisposeScope();
        var w = new TorchSharp.Modules.Parameter(tensor(new[] { 1.0, -2.0, 3.0 }));
        var loss = (w * w).sum();
        loss.backward();
        Assert.Equal(new[] { 2.0, -4.0, 6.0 }, w.grad!.data<double>().ToArray());

        using var sgd = optim.SGD(new[] { w }, 0.25);
        sgd.step();
        Assert.Equal(new[] { 0.5, -1.0, 1.5 }, w.data<double>().ToArray());
    }

    [SkippableFact]
    public void Build_output_copy_has_the_version_need_marked_weak()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the loader fix patches Linux ELF files only");
        var needs = ElfVersionNeeds.Read(File.ReadAllBytes(OutputNative()));
        var need = Assert.Single(needs, n => n.Name == Glibcxx332);
        Assert.True(need.IsWeak);
        Assert.All(needs.Where(n => n.Name != Glibcxx332), n => Assert.False(n.IsWeak));
    }

    [SkippableFact]
    public void Patch_is_idempotent_and_changes_only_the_flags()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the loader fix patches Linux ELF files only");
        byte[] image = File.ReadAllBytes(OutputNative());
        var need = ElfVersionNeeds.Read(image).Single(n => n.Name == Glibcxx332);
        // Undo the build's patch on a copy, to see the patch do its work from scratch.
        image[need.FlagsOffset] &= unchecked((byte)~0x2);
        byte[] original = (byte[])image.Clone();

        Assert.Equal(WeakenOutcome.Weakened, ElfVersionNeeds.MakeWeak(image, Glibcxx332));
        byte[] once = (byte[])image.Clone();
        Assert.Equal(WeakenOutcome.AlreadyWeak, ElfVersionNeeds.MakeWeak(image, Glibcxx332));
        Assert.Equal(once, image);

        var changed = Enumerable.Range(0, image.Length).Where(i => image[i] != original[i]).ToArray();
        Assert.Equal(new[] { need.FlagsOffset }, changed);
    }

    [SkippableFact]
    public void Patch_leaves_a_library_without_that_need_alone()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the loader fix patches Linux ELF files only");
        byte[] image = File.ReadAllBytes(OutputNative());
        byte[] before = (byte[])image.Clone();
        Assert.Equal(WeakenOutcome.NotNeeded, ElfVersionNeeds.MakeWeak(image, "GLIBCXX_9.9.9"));
        Assert.Equal(before, image);
    }

    [SkippableFact]
    public void Non_elf_and_truncated_files_are_refused_with_the_name()
    {
        var notElf = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(new byte[100], "x.so"));
        Assert.Contains("x.so", notElf.Message);
        Skip.IfNot(OperatingSystem.IsLinux(), "the loader fix patches Linux ELF files only");
        byte[] truncated = File.ReadAllBytes(OutputNative())[..4096];
        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(truncated, "cut.so"));
        Assert.Contains("truncated", error.Message);
    }
}
