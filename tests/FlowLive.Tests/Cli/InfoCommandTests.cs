using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Models;
using FlowLive.Tests.Models;

namespace FlowLive.Tests.Cli;

/// <summary>`info` reads specs without building flows: absurd files fail at once with exit 1, sound ones are shown.</summary>
public sealed class InfoCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("flowlive-info-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    string Model()
    {
        string path = Path.Combine(directory, "m.flow");
        var shape = Shape.Vector(2);
        using var flow = new Flow(new StandardNormal(shape),
            [new AffineCouplingSpec { Shape = shape, Net = new SubnetSpec { Hidden = 8 } }.Build(), PermutationSpec.Reverse(shape).Build()]);
        ModelFile.Save(path, new ModelSpec { Name = "m", Flow = flow.Spec, Metrics = new Dictionary<string, double> { ["test_nll"] = 1.5 } }, flow);
        return path;
    }

    [Fact]
    public void Info_shows_layers_shapes_weights_and_metrics()
    {
        string path = Model();
        using var loaded = ModelFile.Load(path);
        long stored = loaded.Flow.Module.parameters().Concat(loaded.Flow.Module.buffers()).Sum(t => t.numel());
        var run = CliRunner.Run("info", "--model", path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("data     [2]", run.Output);
        Assert.Contains("base     standard_normal [2]", run.Output);
        Assert.Contains($"weights  {stored:N0} values", run.Output);
        Assert.Matches(@"0  affine_coupling\s+\[2\] -> \[2\]", run.Output);
        Assert.Matches(@"1  permutation\s+\[2\] -> \[2\]", run.Output);
        Assert.Contains("metric   test_nll = 1.5", run.Output);
    }

    [Fact]
    public void Info_refuses_an_absurd_spec_in_one_line_naming_file_and_field()
    {
        string path = Path.Combine(directory, "absurd.flow");
        ModelFileWriter.Edit(Model(), path, spec => spec["flow"]!["layers"]![0]!["net"]!["hidden"] = 2_000_000_000);
        var run = CliRunner.Run("info", "--model", path);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(path, run.Error);
        Assert.Contains("spec.flow.layers[0].net.hidden", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { -1 })]
    public void A_base_shape_of_zero_or_minus_one_names_the_file(int[] shape)
    {
        string path = Path.Combine(directory, "shape.flow");
        ModelFileWriter.Edit(Model(), path, spec => spec["flow"]!["base"]!["shape"] = new System.Text.Json.Nodes.JsonArray(shape.Select(d => (System.Text.Json.Nodes.JsonNode?)d).ToArray()));
        foreach (string command in new[] { "info", "sample" })
        {
            var run = CliRunner.Run(command, "--model", path);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains(path, run.Error);
            Assert.Contains("shape", run.Error);
            Assert.DoesNotContain("unexpected", run.Error);
        }
    }

    [SkippableFact]
    public void Info_on_dev_zero_exits_1_at_once()
    {
        Skip.IfNot(File.Exists("/dev/zero"), "needs /dev/zero");
        var run = CliRunner.Run("info", "--model", "/dev/zero");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not a regular file", run.Error);
    }
}
