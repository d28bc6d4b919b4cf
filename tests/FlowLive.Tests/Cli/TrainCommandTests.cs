using FlowLive.Models;
using FlowLive.Tests.Data;

namespace FlowLive.Tests.Cli;

/// <summary>`flowlive train`, `presets`, `eval`, `score`, `report`, `verify` and `demo` as a user meets them: flags that cannot apply are refused, outputs are checked first.</summary>
public sealed class TrainCommandTests
{
    [Theory]
    [InlineData(new[] { "train", "--image-size", "28" }, "--image-size")]
    [InlineData(new[] { "train", "--levels", "2" }, "--levels")]
    [InlineData(new[] { "train", "--target", "u1", "--dataset", "two_moons" }, "--dataset")]
    [InlineData(new[] { "train", "--dataset", "mnist", "--levels", "5", "--flow", "glow", "--image-size", "14" }, "--levels")]
    [InlineData(new[] { "train", "--epochs", "3" }, "--train-size")]
    [InlineData(new[] { "train", "--hidden", "1000000" }, "--hidden")]
    [InlineData(new[] { "train", "--batch-size", "100000000" }, "--batch-size")]
    [InlineData(new[] { "train", "--schedule", "linear" }, "--schedule")]
    [InlineData(new[] { "train", "--validation-trim", "0.5" }, "--validation-trim")]
    [InlineData(new[] { "train", "--target", "u1", "--validation-trim", "0.01" }, "--validation-trim")]
    [InlineData(new[] { "train", "--preset", "nope" }, "--preset")]
    [InlineData(new[] { "train", "--preset", "radboud-moons", "--hidden", "32" }, "--hidden")]
    [InlineData(new[] { "train", "--out", "/proc/model.flow", "--steps", "1" }, "--out")]
    [InlineData(new[] { "train", "--out", "model.txt", "--steps", "1" }, "--out")]
    [InlineData(new[] { "demo", "--flow", "glow" }, "glow")]
    [InlineData(new[] { "verify", "--quick", "--all" }, "--quick")]
    [InlineData(new[] { "verify", "--preset", "nope" }, "--preset")]
    public void Flags_that_cannot_apply_are_usage_errors_before_any_work(string[] args, string flag)
    {
        var run = CliRunner.Run(args);
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}{run.Output}");
        Assert.Contains(flag, run.Error);
        Assert.DoesNotContain("step ", run.Output);
    }

    [Fact]
    public void Demo_offers_only_the_architectures_it_can_train()
    {
        var help = CliRunner.Run("demo", "--help");
        Assert.DoesNotContain("glow (", help.Output);
        Assert.DoesNotContain("planar (", help.Output);
        Assert.Contains("realnvp (", help.Output);
    }

    [Fact]
    public void Presets_lists_every_preset_with_its_exercise_and_bar()
    {
        var run = CliRunner.Run("presets");
        Assert.Equal(0, run.ExitCode);
        foreach (var preset in FlowLive.Training.Presets.PresetCatalog.All)
        {
            Assert.Contains(preset.Name, run.Output);
            Assert.Contains(preset.Bar.Description, run.Output);
        }
    }

    [Fact]
    public void A_trained_model_can_be_evaluated_scored_and_reported()
    {
        using var temp = new TempDirectory();
        string model = temp.File("m.flow");
        var train = CliRunner.Run("train", "--dataset", "dtu_two_gaussians", "--steps", "60", "--layers", "2", "--hidden", "16",
            "--patience", "3", "--validate-every", "20", "--out", model);
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains("gap to the best possible", train.Output);
        Assert.True(File.Exists(Path.ChangeExtension(model, ".json")), "the metrics JSON is written beside the model");
        Assert.False(File.Exists(Path.ChangeExtension(model, ".ckpt")), "a finished run leaves no checkpoint behind");

        var eval = CliRunner.Run("eval", model);
        Assert.True(eval.ExitCode == 0, eval.Error);
        double trained = ModelFile.ReadSpec(model).Metrics["test_nll"];
        Assert.Contains($"{trained:F4} nats per point", eval.Output); // the same held-out points as training measured
        Assert.Contains("gap", eval.Output);

        string points = temp.File("p.csv");
        File.WriteAllText(points, "x,y\n0.25,0.25\n0.75,0.75\n5,5\n");
        var score = CliRunner.Run("score", model, "--in", points);
        Assert.True(score.ExitCode == 0, score.Error);
        var lines = score.Output.Trim().Split('\n');
        Assert.Equal(4, lines.Length);
        double Ll(int i) => double.Parse(lines[i].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Ll(1) > Ll(3) && Ll(2) > Ll(3), "points on the data score higher than a point far from it");

        File.WriteAllText(points, "0.1,0.2\n0.3\n");
        var bad = CliRunner.Run("score", model, "--in", points);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("line 2", bad.Error);

        var report = CliRunner.Run("report", model, "--out", temp.Path);
        Assert.True(report.ExitCode == 0, report.Error);
        foreach (var figure in new[] { "-curves.png", "-density.png", "-samples.png", "-latent.png", "-layer-densities.png", "-layer-samples.png" })
        {
            string path = Path.Combine(temp.Path, "dtu_two_gaussians-realnvp" + figure);
            Assert.True(File.Exists(path) && new FileInfo(path).Length > 5000, $"{figure} should be a real picture");
        }
    }

    [SkippableFact]
    public void Demo_shows_the_bundled_model_without_training()
    {
        using var temp = new TempDirectory();
        Skip.If(BundledModels.Find("two_moons-realnvp") is null,
            $"no bundled two_moons-realnvp in {BundledModels.Directory} (run through ./flowlive test, which points FLOWLIVE_ROOT at the repository)");
        // --no-window: a test must never open a window, even where a display is set.
        var run = CliRunner.Run("demo", "--out", temp.Path, "--no-window");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("bundled model", run.Output);
        Assert.DoesNotContain("step ", run.Output);
        Assert.True(File.Exists(Path.Combine(temp.Path, "two_moons-realnvp.png")));
        bool animated = File.Exists(Path.Combine(temp.Path, "flow-steps", "animation.gif"));
        Assert.True(animated || run.Output.Contains("no animation either"), "the viewer's animation is rendered, or the demo says why not");
    }
}
