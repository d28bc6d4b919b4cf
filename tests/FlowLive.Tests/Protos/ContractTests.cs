using System.Text.Json;
using FlowLive.Tests.Support;

namespace FlowLive.Tests.Protos;

/// <summary>
/// The contract's checks (protos/buf.yaml): `buf lint` (standard style, a comment on every element) and `buf breaking`
/// against the committed image of the released contract, flowlive-v1.binpb, so an incompatible change to the protos
/// fails the tests. The image is not required to equal a fresh build: comments and compatible additions change the
/// .proto files without a release, and breaking against the image is exactly the check a release must pass.
/// </summary>
public sealed class ContractTests
{
    sealed record Problem(string Type, string Message, string Path);

    static IReadOnlyList<Problem> Problems(ExternalProcess.Outcome outcome) =>
        outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => new Problem(e.GetProperty("type").GetString()!, e.GetProperty("message").GetString()!, e.GetProperty("path").GetString()!))
            .ToList();

    static string Contract => Path.Combine(Checkout.RequireRoot(), "protos");

    [SkippableFact]
    public async Task The_contract_passes_lint()
    {
        var lint = await Buf.Run(Contract, "lint");
        Assert.True(lint.ExitCode == 0, $"buf lint on protos/ failed:\n{lint.Printed}");
        Assert.Empty(Problems(lint));
    }

    [SkippableFact]
    public async Task The_contract_is_compatible_with_the_released_image()
    {
        var breaking = await Buf.Run(Contract, "breaking", "--against", "flowlive-v1.binpb");
        Assert.True(breaking.ExitCode == 0, $"protos/ breaks the released contract (flowlive-v1.binpb):\n{breaking.Printed}");
        Assert.Empty(Problems(breaking));
    }

    [SkippableTheory]
    [InlineData("renumber a field", "flowlive/v1/models.proto", "bool include_log_prob = 5;", "bool include_log_prob = 15;", "FIELD_NO_DELETE", "\"include_log_prob\"")]
    [InlineData("delete a field", "flowlive/v1/models.proto", "  bool per_layer = 5;\n", "", "FIELD_NO_DELETE", "\"per_layer\"")]
    [InlineData("rename a field", "flowlive/v1/models.proto", "bool include_log_det = 6;", "bool with_log_det = 6;", "FIELD_SAME_NAME", "\"include_log_det\"")]
    [InlineData("change a field's type", "flowlive/v1/tensor.proto", "bytes data = 2;", "string data = 2;", "FIELD_SAME_TYPE", "\"data\"")]
    [InlineData("rename an rpc", "flowlive/v1/models.proto", "rpc Trace(", "rpc TraceLayers(", "RPC_NO_DELETE", "\"Trace\"")]
    [InlineData("make a stream unary", "flowlive/v1/models.proto", "returns (stream SampleResponse)", "returns (SampleResponse)", "RPC_SAME_SERVER_STREAMING", "\"Sample\"")]
    [InlineData("rename an enum value", "flowlive/v1/training.proto", "JOB_STATE_SUCCEEDED = 3", "JOB_STATE_DONE = 3", "ENUM_VALUE_SAME_NAME", "\"JOB_STATE_SUCCEEDED\"")]
    public async Task An_incompatible_change_fails_breaking_naming_it(string change, string file, string find, string replace, string rule, string named)
    {
        Buf.Require();
        using var copy = new ContractCopy();
        copy.Edit(file, find, replace);

        var breaking = await Buf.Run(copy.Directory, "breaking", "--against", copy.Image);

        Assert.True(breaking.ExitCode != 0, $"buf breaking passed after the change '{change}':\n{breaking.Printed}");
        var problems = Problems(breaking);
        Assert.Contains(problems, p => p.Type == rule && p.Message.Contains(named, StringComparison.Ordinal) && p.Path == file);
    }

    [SkippableFact]
    public async Task A_new_commented_field_and_a_reworded_comment_pass_both_checks()
    {
        Buf.Require();
        using var copy = new ContractCopy();
        copy.Edit("flowlive/v1/models.proto", "  // Seed of the base draw;",
            "  // A field added after the release, under a new number.\n  int32 added_after_release = 30;\n  // The seed of the base draw;");

        var lint = await Buf.Run(copy.Directory, "lint");
        var breaking = await Buf.Run(copy.Directory, "breaking", "--against", copy.Image);

        Assert.True(lint.ExitCode == 0, lint.Printed);
        Assert.True(breaking.ExitCode == 0, breaking.Printed);
    }

    [SkippableFact]
    public async Task An_uncommented_field_fails_lint_naming_it()
    {
        Buf.Require();
        using var copy = new ContractCopy();
        copy.Edit("flowlive/v1/models.proto", "  // Seed of the base draw;", "  int32 added_without_a_comment = 30;\n  // Seed of the base draw;");

        var lint = await Buf.Run(copy.Directory, "lint");

        Assert.True(lint.ExitCode != 0, $"buf lint passed an uncommented field:\n{lint.Printed}");
        Assert.Contains(Problems(lint), p => p.Type == "COMMENT_FIELD" && p.Message.Contains("\"added_without_a_comment\"", StringComparison.Ordinal));
    }
}
