using FlowLive.Protos.V1;
using FlowLive.Server.Operations;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace FlowLive.Tests.Server;

/// <summary>The call log (one structured line per rpc) and the console format it is written in.</summary>
public sealed class CallLogTests
{
    [Fact]
    public async Task Every_rpc_ends_with_one_structured_log_line()
    {
        await using var server = await RunningServer.InMemory();
        await Assert.ThrowsAsync<RpcException>(async () => await server.Models.GetModelAsync(new GetModelRequest { Model = "no-such-model" }));
        var call = server.Models.Sample(new SampleRequest { Model = "two_moons-realnvp", Count = 300, ChunkSize = 100, Seed = 1 });
        await foreach (var _ in call.ResponseStream.ReadAllAsync()) { }

        var ends = server.Logs.Entries.Where(e => e.Category == typeof(CallObserver).FullName).ToList();
        var missing = Assert.Single(ends, e => Equals(e.Field("Rpc"), "flowlive.v1.ModelService/GetModel"));
        Assert.Equal(LogLevel.Information, missing.Level);
        Assert.Equal("not_found", missing.Field("Status"));
        Assert.Contains("no-such-model", (string)missing.Field("Detail")!);
        Assert.IsType<double>(missing.Field("DurationMs"));
        var sample = Assert.Single(ends, e => Equals(e.Field("Rpc"), "flowlive.v1.ModelService/Sample"));
        Assert.Equal("ok", sample.Field("Status"));
        Assert.Equal(3L, sample.Field("Messages"));
        Assert.Equal(300L, sample.Field("Points"));
        Assert.True((double)sample.Field("DurationMs")! > 0);
    }

    [Fact]
    public async Task Json_console_logs_are_chosen_by_configuration()
    {
        // The console's options are settled when the host is built: nothing needs to start.
        static string Formatter(WebApplication app) => app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName!;
        await using var json = FlowLive.Server.FlowLiveServer.Build([], s => s.LogFormat = "json");
        Assert.Equal(ConsoleFormatterNames.Json, Formatter(json));
        await using var text = FlowLive.Server.FlowLiveServer.Build([]);
        Assert.Equal(ConsoleFormatterNames.Simple, Formatter(text));
    }

    [Fact]
    public void An_unknown_log_format_is_refused_naming_the_flag()
    {
        var error = Assert.Throws<FlowLive.Server.ServerConfigurationException>(() => FlowLive.Server.FlowLiveServer.Build([], s => s.LogFormat = "xml"));
        Assert.Equal("--log-format", error.Setting);
    }
}
