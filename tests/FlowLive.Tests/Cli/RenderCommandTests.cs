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
    public void Render_draws_flow_steps_over_the_volume_change_heatmap_when_asked()
    {
        HeadlessGl.SkipUnlessAvailable();
        using var temp = new TempDirectory();
        var run = CliRunner.Run("render", "--heatmap", "volume", "--model", "two_moons-realnvp", "--points", "2000", "--out", temp.Path,
            "--frames", "2", "--size", "200x160", "--timeout", "60");
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Equal(2, Directory.GetFiles(temp.Path, "frame-*.png").Length);
    }

    [SkippableFact]
    public void Rendering_again_into_the_same_folder_leaves_no_frames_of_the_earlier_render()
    {
        HeadlessGl.SkipUnlessAvailable();
        using var temp = new TempDirectory();
        string[] args = ["render", "--scene", "density", "--model", "two_moons-realnvp", "--out", temp.Path, "--size", "200x160", "--frames"];
        Assert.Equal(0, CliRunner.Run([.. args, "5"]).ExitCode);
        var run = CliRunner.Run([.. args, "2"]);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Equal(["frame-0000.png", "frame-0001.png"], Directory.GetFiles(temp.Path, "frame-*.png").Select(Path.GetFileName).Order());
    }

    [SkippableFact]
    public void Rendering_live_training_trains_on_the_server_and_films_each_report_until_the_job_ends()
    {
        HeadlessGl.SkipUnlessAvailable();
        using var temp = new TempDirectory();
        var run = CliRunner.Run("render", "--scene", "training", "--out", temp.Path, "--size", "320x240");
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        var frames = Directory.GetFiles(temp.Path, "frame-*.png").Order().ToList();
        // A frame per message: the fast job's reports and snapshots (those it sent before the watch began arrive as
        // its history), then its end held a second at 20 fps.
        Assert.InRange(frames.Count, 25, 400);
        Assert.Contains($"rendered {frames.Count} frames", run.Output);
        using var first = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgba32>(frames[0]);
        using var last = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgba32>(frames[^1]);
        int changed = 0;
        for (int y = 0; y < first.Height; y++)
            for (int x = 0; x < first.Width; x++)
                if (Math.Abs(first[x, y].G - last[x, y].G) > 40) changed++;
        Assert.True(changed > first.Width * first.Height / 20, $"the density and curves changed as it learned: {changed} pixels differ");
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
