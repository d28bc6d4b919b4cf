using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FlowLive.Tests.Server;

/// <summary>One entry a test server logged, with its structured fields (the message template's names).</summary>
public sealed record LogEntry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Fields)
{
    public object? Field(string name) => Fields.GetValueOrDefault(name);
}

/// <summary>What a test server logged at information level and above, kept for assertions (the console stays quiet).</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    public IReadOnlyList<LogEntry> Entries => entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var fields = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            logs.entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), fields.ToDictionary(f => f.Key, f => f.Value)));
        }
    }
}
