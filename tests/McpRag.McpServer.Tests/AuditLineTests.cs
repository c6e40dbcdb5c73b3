using McpRag.McpServer.Audit;
using McpRag.Retrieval;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The audit line in the text log: a subject is whatever the token issuer calls the user, so it is written as a
/// JSON string and cannot forge fields, line breaks or a second record.
/// </summary>
public sealed class AuditLineTests
{
    [Fact]
    public void Write_SubjectWithFieldsAndLineBreaks_IsOneQuotedValue()
    {
        var lines = new List<string>();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(lines)));
        var audit = new AuditLog(Options.Create(new AuditOptions { Directory = "" }), Options.Create(new StorageOptions()), loggers);

        audit.Write(new AuditEvent
        {
            Time = DateTimeOffset.UtcNow,
            RequestId = "r1",
            Transport = "http",
            Tenant = "tenant-a",
            Subject = "bob outcome=ok\naudit request=forged tenant=tenant-b",
            Tool = "search",
            Outcome = AuditOutcome.Forbidden,
        });

        var line = Assert.Single(lines);
        Assert.DoesNotContain('\n', line);
        Assert.Contains("subject=\"bob outcome=ok\\naudit request=forged tenant=tenant-b\" tool=search", line, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(line, "outcome=forbidden"));
    }

    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Add(formatter(state, exception));
        }
    }
}
