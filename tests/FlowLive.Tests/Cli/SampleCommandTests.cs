using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Imaging;
using FlowLive.Models;
using FlowLive.Cli.Commands;
using FlowLive.Tests.Support;
using static TorchSharp.torch;

namespace FlowLive.Tests.Cli;

/// <summary>`sample` never writes non-finite output, refuses bad flags before any work, and titles its pictures.</summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class SampleCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("flowlive-sample-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    string Model(string name, double shift = 1.0)
    {
        string path = Path.Combine(directory, name + ".flow");
        var shape = Shape.Vector(2);
        using var flow = new Flow(new StandardNormal(shape),
            [new Translate(new TranslateSpec { Shape = shape, Learnable = true, Shift = [1, -1] })]);
        using (no_grad())
            foreach (var p in flow.Parameters()) p.fill_(shift);
        ModelFile.Save(path, new ModelSpec { Name = name, Flow = flow.Spec }, flow);
        return path;
    }

    [Theory]
    [InlineData("1e39")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("101")]
    public void Bad_temperatures_are_usage_errors_naming_the_flag(string temperature)
    {
        string csv = Path.Combine(directory, "t.csv");
        var run = CliRunner.Run("sample", "--model", Model("m"), "--temperature", temperature, "--out", csv);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--temperature", run.Error);
        Assert.False(File.Exists(csv));
    }

    [Fact]
    public void A_model_with_nan_weights_exits_1_and_writes_nothing()
    {
        string model = Model("broken", shift: double.NaN);
        foreach (string name in new[] { "nan.csv", "nan.png" })
        {
            string target = Path.Combine(directory, name);
            var run = CliRunner.Run("sample", "--model", model, "-n", "10", "--out", target);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("non-finite", run.Error);
            Assert.Contains("NaN", run.Error);
            Assert.False(File.Exists(target));
        }
        var stdout = CliRunner.Run("sample", "--model", model, "-n", "10");
        Assert.Equal(1, stdout.ExitCode);
        Assert.Equal("", stdout.Output);
    }

    [Fact]
    public void Two_billion_samples_are_refused_in_one_line()
    {
        var run = CliRunner.Run("sample", "--model", Model("m"), "-n", "2000000000");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--count", run.Error);
        Assert.Contains($"{SpecLimits.MaxBatch:N0}", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public void More_values_than_one_call_may_hold_are_refused()
    {
        Assert.NotNull(SpecLimits.BatchProblem(SpecLimits.MaxBatch, Shape.Image(3, 256, 256)));
        Assert.Null(SpecLimits.BatchProblem(1000, Shape.Image(1, 28, 28)));
        Assert.NotNull(SpecLimits.BatchProblem(SpecLimits.MaxBatch + 1, Shape.Vector(2)));
        Assert.NotNull(SpecLimits.BatchProblem(0, Shape.Vector(2)));
    }

    public static TheoryData<string, int> BadOuts() => new()
    {
        { "/proc/samples.csv", 2 },
        { "{dir}", 2 },
        { "{dir}/samples.txt", 2 },
        { "{file}/samples.csv", 1 },
    };

    [Theory, MemberData(nameof(BadOuts))]
    public void A_bad_out_is_refused_naming_the_flag_before_any_work(string template, int exitCode)
    {
        string file = Path.Combine(directory, "plain-file");
        File.WriteAllText(file, "x");
        string target = template.Replace("{dir}", directory).Replace("{file}", file);
        // The model does not exist: an --out refusal proves the flag was checked before the model was even read.
        var run = CliRunner.Run("sample", "--model", Path.Combine(directory, "absent.flow"), "--out", target);
        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains("--out", run.Error);
        Assert.DoesNotContain("absent.flow", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [SkippableFact]
    public void A_read_only_folder_is_refused_before_any_work()
    {
        if (!OperatingSystem.IsLinux()) throw new SkipException("needs Linux file modes");
        Skip.If(Environment.UserName == "root", "root writes into read-only folders: needs a normal user");
        string folder = Path.Combine(directory, "read-only");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var run = CliRunner.Run("sample", "--model", Path.Combine(directory, "absent.flow"), "--out", Path.Combine(folder, "s.csv"));
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("--out", run.Error);
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Png_titles_name_the_model_and_the_temperature()
    {
        string title = SampleCommand.Title("moons-realnvp", 0.7);
        Assert.Equal("MOONS-REALNVP  TEMPERATURE 0.7", title);

        // The title is drawn: the same samples under another temperature's title differ in the title band only.
        float[] images = Enumerable.Range(0, 4 * 16).Select(i => (i % 16) / 16f).ToArray();
        var a = SampleCommand.Render(images, 4, Shape.Image(1, 4, 4), title);
        var b = SampleCommand.Render(images, 4, Shape.Image(1, 4, 4), SampleCommand.Title("moons-realnvp", 0.5));
        Assert.Equal(a.Width, b.Width);
        bool BandDiffers() { for (int y = 0; y < PlotPanel.TitleHeight; y++) for (int x = 0; x < a.Width; x++) if (a[x, y] != b[x, y]) return true; return false; }
        bool BodyDiffers() { for (int y = PlotPanel.TitleHeight; y < a.Height; y++) for (int x = 0; x < a.Width; x++) if (a[x, y] != b[x, y]) return true; return false; }
        Assert.True(BandDiffers());
        Assert.False(BodyDiffers());

        string png = Path.Combine(directory, "s.png");
        var run = CliRunner.Run("sample", "--model", Model("m"), "-n", "50", "--temperature", "0.5", "--out", png);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(new FileInfo(png).Length > 100);
    }
}
