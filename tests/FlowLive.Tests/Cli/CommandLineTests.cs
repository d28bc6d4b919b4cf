using FlowLive.Tests.Support;
using FlowLive.Tests.Data;
using FlowLive.Models;

namespace FlowLive.Tests.Cli;

/// <summary>The command line as a user meets it: help, exit codes and messages that name the flag or the file.</summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class CommandLineTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("flowlive-cli-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Help_lists_every_command()
    {
        var run = CliRunner.Run("--help");
        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "demo", "train", "sample", "info", "data", "bench", "test" })
            Assert.Matches($@"(?m)^\s+{command}\s", run.Output);
    }

    [Fact]
    public void No_arguments_print_help_and_exit_2()
    {
        var run = CliRunner.Run();
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("demo", run.Output);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    [InlineData(new[] { "train", "--bogus" }, "--bogus")]
    [InlineData(new[] { "train", "--steps", "0" }, "--steps must be at least 1")]
    [InlineData(new[] { "train", "--steps", "many" }, "many")]
    [InlineData(new[] { "train", "--flow", "nope" }, "nope")]
    [InlineData(new[] { "train", "--dataset", "nope" }, "nope")]
    [InlineData(new[] { "train", "--lr", "-1" }, "--lr must be a positive number")]
    [InlineData(new[] { "demo", "--device", "tpu" }, "tpu")]
    [InlineData(new[] { "sample" }, "--model")]
    [InlineData(new[] { "train", "--target", "u7" }, "u7")]
    public void Bad_command_lines_exit_2_naming_the_problem(string[] args, string expected)
    {
        var run = CliRunner.Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error);
    }

    [SkippableFact]
    public void Asking_for_cuda_without_cuda_names_the_flag()
    {
        Skip.If(TorchSharp.torch.cuda.is_available(), "only meaningful on a machine without a GPU");
        var run = CliRunner.Run("train", "--steps", "1", "--device", "cuda", "--out", Path.Combine(directory, "m.flow"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--device", run.Error);
        Assert.False(File.Exists(Path.Combine(directory, "m.flow")));
    }

    [Fact]
    public void A_model_path_with_the_wrong_extension_names_the_flag()
    {
        var run = CliRunner.Run("train", "--steps", "1", "--out", Path.Combine(directory, "m.txt"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--out", run.Error);
    }

    [Fact]
    public void Flows_without_an_inverse_need_a_target_and_fit_one()
    {
        var noTarget = CliRunner.Run("train", "--flow", "planar", "--steps", "1", "--out", Path.Combine(directory, "p.flow"));
        Assert.Equal(2, noTarget.ExitCode);
        Assert.Contains("--target", noTarget.Error);

        string model = Path.Combine(directory, "u2.flow");
        var fit = CliRunner.Run("train", "--flow", "planar", "--target", "u2", "--steps", "20", "--layers", "4", "--out", model);
        Assert.True(fit.ExitCode == 0, fit.Error);
        Assert.Contains("KL - log Z", fit.Output);
        Assert.Equal("target:u2", ModelFile.ReadSpec(model).Dataset);
        Assert.Equal(0, CliRunner.Run("sample", "--model", model, "-n", "10").ExitCode);
    }

    [Fact]
    public void Bench_measures_an_architecture_and_finds_no_leak()
    {
        var run = CliRunner.Run("bench", "--flow", "nice", "--seconds", "0.05", "--batch-size", "64", "--threads", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        var row = run.Output.Split('\n').Single(line => line.StartsWith("nice "));
        Assert.EndsWith(" 0", row.TrimEnd());
    }

    [FactRequiringFashionMnist]
    public void Glow_trains_on_fashion_mnist_and_samples_an_image_grid()
    {
        string model = Path.Combine(directory, "fashion.flow");
        var train = CliRunner.Run("train", "--dataset", "fashion-mnist", "--flow", "glow", "--steps", "3", "--layers", "1",
            "--hidden", "8", "--batch-size", "16", "--out", model);
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains("bits/dim", train.Output);
        var spec = ModelFile.ReadSpec(model);
        Assert.Equal(new FlowLive.Flows.Shape(1, 14, 14), spec.DataShape);
        Assert.InRange(spec.Metrics["test_bits_per_dim"], 0.5, 12);

        string png = Path.Combine(directory, "fashion.png");
        Assert.Equal(0, CliRunner.Run("sample", "--model", model, "-n", "4", "--out", png).ExitCode);
        Assert.True(new FileInfo(png).Length > 100);

        var wrongFlow = CliRunner.Run("train", "--dataset", "fashion-mnist", "--flow", "realnvp", "--steps", "1");
        Assert.Equal(2, wrongFlow.ExitCode);
        Assert.Contains("--flow", wrongFlow.Error);
        Assert.Contains("glow", wrongFlow.Error);
    }

    [Fact]
    public void A_corrupt_model_exits_1_naming_the_file()
    {
        string path = Path.Combine(directory, "broken.flow");
        File.WriteAllText(path, "not a model");
        var run = CliRunner.Run("info", "--model", path);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(path, run.Error);
        Assert.Contains("not a FlowLive model", run.Error);
    }

    [Fact]
    public void The_same_seed_trains_the_same_model()
    {
        string Train(string name, string seed)
        {
            string path = Path.Combine(directory, name);
            var run = CliRunner.Run("train", "--steps", "10", "--layers", "2", "--hidden", "8", "--seed", seed, "--out", path);
            Assert.True(run.ExitCode == 0, run.Error);
            return CliRunner.Run("sample", "--model", path, "-n", "20", "--seed", "1").Output;
        }
        Assert.Equal(Train("a.flow", "4"), Train("b.flow", "4"));
        Assert.NotEqual(Train("a.flow", "4"), Train("c.flow", "5"));
    }

    [Fact]
    public void Train_then_info_then_sample_work_together()
    {
        string model = Path.Combine(directory, "moons.flow");
        var train = CliRunner.Run("train", "--steps", "30", "--layers", "2", "--hidden", "16", "--out", model);
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains("test nll", train.Output);
        Assert.Equal("two_moons", ModelFile.ReadSpec(model).Dataset);

        var info = CliRunner.Run("info", "--model", model);
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("masked_affine_coupling", info.Output);
        Assert.Contains("test_nll", info.Output);

        var csv = CliRunner.Run("sample", "--model", model, "-n", "25", "--seed", "3");
        Assert.Equal(0, csv.ExitCode);
        var lines = csv.Output.Trim().Split('\n');
        Assert.Equal("x0,x1", lines[0]);
        Assert.Equal(26, lines.Length);
        Assert.Equal(csv.Output, CliRunner.Run("sample", "--model", model, "-n", "25", "--seed", "3").Output);

        string png = Path.Combine(directory, "samples.png");
        var picture = CliRunner.Run("sample", "--model", model, "-n", "200", "--out", png);
        Assert.Equal(0, picture.ExitCode);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
    }
}
