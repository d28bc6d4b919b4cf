using System.Collections.Concurrent;
using FlowLive.Protos.V1;
using FlowLive.Server.Operations;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace FlowLive.Tests.Server;

public sealed class CallLogTests
{
    [Fact]
    public async Task Every_rpc_ends_with_one_structured_log_line()
    {
        var logs = new RecordingLoggerProvider();
        await using var server = await RunningServer.InMemory(host: builder => builder.Logging.AddProvider(logs));
        await Assert.ThrowsAsync<RpcException>(async () => await server.Models.GetModelAsync(new GetModelRequest { Model = "no-such-model" }));
        var call = server.Models.Sample(new SampleRequest { Model = "two_moons-realnvp", Count = 300, ChunkSize = 100, Seed = 1 });
        await foreach (var _ in call.ResponseStream.ReadAllAsync()) { }

        var ends = logs.Entries.Where(e => e.Category == typeof(CallObserver).FullName).ToList();
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
        await using var json = await RunningServer.InMemory(s => s.LogFormat = "json");
        Assert.Equal(ConsoleFormatterNames.Json, json.Service<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        await using var text = await RunningServer.InMemory();
        Assert.Equal(ConsoleFormatterNames.Simple, text.Service<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    [Fact]
    public void An_unknown_log_format_is_refused_naming_the_flag()
    {
        var error = Assert.Throws<FlowLive.Server.ServerConfigurationException>(() => FlowLive.Server.FlowLiveServer.Build([], s => s.LogFormat = "xml"));
        Assert.Equal("--log-format", error.Setting);
    }
}

/// <summary>Keeps every log entry with its structured fields.</summary>
sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, Entries);

    public void Dispose() { }

    private sealed class Recorder(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), fields.ToDictionary(f => f.Key, f => f.Value)));
        }
    }
}

sealed record LogEntry(string Category, LogLevel Level, string Message, Dictionary<string, object?> Fields)
{
    public object? Field(string name) => Fields.GetValueOrDefault(name);
}
