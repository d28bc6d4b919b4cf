extern alias viewer;
using FlowLive.Tests.Data;
using FlowLive.Tests.Viewer.Graphics;

namespace FlowLive.Tests.Cli;

public sealed class RenderCommandTests
{
    [SkippableFact]
    public void Render_writes_the_frames_and_a_gif_of_a_scene_from_an_in_process_server()
    {
        HeadlessGl.SkipUnlessAvailable();
        using var temp = new TempDirectory();
        var run = CliRunner.Run("render", "--scene", "density", "--model", "two_moons-realnvp", "--out", temp.Path,
            "--frames", "3", "--size", "200x160");
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Equal(3, Directory.GetFiles(temp.Path, "frame-*.png").Length);
        Assert.True(new FileInfo(Path.Combine(temp.Path, "animation.gif")).Length > 1000);
        Assert.Contains("rendered 3 frames", run.Output);
    }

    [SkippableFact]
    public void Render_writes_an_mp4_where_ffmpeg_is_installed()
    {
        HeadlessGl.SkipUnlessAvailable();
        Skip.If(viewer::FlowLive.Viewer.Headless.Mp4Encoder.FindFfmpeg() is null, "ffmpeg is not installed (renders stop at PNG and GIF)");
        using var temp = new TempDirectory();
        var run = CliRunner.Run("render", "--scene", "density", "--model", "two_moons-realnvp", "--out", temp.Path, "--frames", "4", "--size", "200x160");
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.True(new FileInfo(Path.Combine(temp.Path, "animation.mp4")).Length > 1000);
    }

    [Theory]
    [InlineData(new[] { "render", "--scene", "nope", "--out", "x" }, "nope")]
    [InlineData(new[] { "render", "--scene", "density", "--out", "x", "--size", "10x10" }, "--size")]
    [InlineData(new[] { "render", "--scene", "density", "--out", "x", "--frames", "0" }, "--frames")]
    [InlineData(new[] { "render", "--scene", "density", "--out", "x", "--points", "5" }, "--points")]
    [InlineData(new[] { "view", "--points-path", "laser" }, "--points-path: Argument 'laser'")]
    [InlineData(new[] { "render", "--heatmap", "entropy", "--out", "x" }, "--heatmap: Argument 'entropy'")]
    public void Bad_viewer_flags_are_usage_errors_naming_the_flag(string[] args, string named)
    {
        var run = CliRunner.Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(named, run.Error);
    }
}
