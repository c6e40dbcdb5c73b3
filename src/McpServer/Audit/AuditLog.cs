using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using McpRag.Retrieval;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Audit;

/// <summary>
/// Records audit events in the logging pipeline (category <c>McpRag.Audit</c>, JSON with the json console format)
/// and in daily JSON-lines files (one per process). Writing never blocks or fails a tool call: file events go through a bounded
/// queue drained by a background writer, and events that do not fit are counted (<see cref="Dropped"/>) and
/// reported, not silently lost.
/// </summary>
internal sealed class AuditLog : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Channel<AuditEvent> _queue;
    private readonly string? _directory;
    private readonly byte[] _hashKey;
    private readonly bool _includeQuery;
    private readonly ILogger _logger;
    private long _dropped;

    public AuditLog(IOptions<AuditOptions> options, IOptions<StorageOptions> storage, ILoggerFactory loggers)
    {
        var audit = options.Value;
        _queue = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(audit.Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        _directory = string.IsNullOrWhiteSpace(audit.Directory) ? null : Path.GetFullPath(audit.Directory, storage.Value.DataDirFullPath);
        _hashKey = audit.QueryHashKey is { Length: > 0 } key ? Convert.FromBase64String(key) : RandomNumberGenerator.GetBytes(32);
        _includeQuery = audit.IncludeQueryText;
        _logger = loggers.CreateLogger("McpRag.Audit");
    }

    /// <summary>Events that could not be queued for the file sink because it fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Adds the query as configured: a keyed hash always, the text only when enabled.</summary>
    public AuditEvent WithQuery(AuditEvent audit, string? query) =>
        query is null ? audit : audit with
        {
            QueryHash = Convert.ToHexString(HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(query)))[..16].ToLowerInvariant(),
            Query = _includeQuery ? query : null,
        };

    public void Write(AuditEvent audit)
    {
        // The subject is the only free text here (the token issuer's user name): it is written as a JSON string, so no
        // subject can add a field, a line break or a second "audit" record to the line. The other values are validated
        // identifiers or the server's own words.
        _logger.LogInformation(
            "audit request={RequestId} transport={Transport} tenant={Tenant} subject={Subject} tool={Tool} mode={Mode} backend={Backend} outcome={Outcome} error={Error} hits={Hits} latency_ms={LatencyMs:F1} query_hash={QueryHash}",
            audit.RequestId, audit.Transport, audit.Tenant, audit.Subject is null ? null : JsonSerializer.Serialize(audit.Subject), audit.Tool, audit.Mode, audit.Backend, audit.Outcome, audit.Error, audit.Hits, audit.LatencyMs, audit.QueryHash);
        if (_directory is not null && !_queue.Writer.TryWrite(audit))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_directory is null)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_directory);
        }
        else
        {
            Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        long reportedDrops = 0;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await DrainAsync();
                if (Dropped > reportedDrops)
                {
                    _logger.LogWarning("Audit file writer fell behind: {Dropped} events dropped so far", Dropped);
                    reportedDrops = Dropped;
                }
            }
        }
        catch (OperationCanceledException)
        {
            await DrainAsync();
        }
    }

    /// <summary>
    /// Audit files hold who asked what of which tenant: on Unix they are created readable by the server's user only
    /// (0600, in a 0700 folder), whatever the process umask.
    /// </summary>
    private static FileStreamOptions FileOptionsFor() => OperatingSystem.IsWindows()
        ? new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite }
        : new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };

    private async Task DrainAsync()
    {
        StreamWriter? writer = null;
        string? path = null;
        try
        {
            while (_queue.Reader.TryRead(out var audit))
            {
                // One file per process and day: several servers may share a data directory (one stdio server per client),
                // and appends from different processes must never interleave or overwrite each other.
                var file = Path.Combine(_directory!, $"audit-{audit.Time.UtcDateTime:yyyy-MM-dd}-{Environment.ProcessId}.jsonl");
                if (file != path)
                {
                    if (writer is not null)
                    {
                        await writer.DisposeAsync();
                    }

                    writer = new StreamWriter(new FileStream(file, FileOptionsFor()));
                    path = file;
                }

                await writer!.WriteLineAsync(JsonSerializer.Serialize(audit, Json));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The events still queued are lost with this drain: count them, keep the writer alive for the next ones.
            var lost = 1;
            while (_queue.Reader.TryRead(out _))
            {
                lost++;
            }

            Interlocked.Add(ref _dropped, lost);
            _logger.LogError("Audit file could not be written ({Reason}); {Lost} events lost", ex.GetType().Name, lost);
        }
        finally
        {
            if (writer is not null)
            {
                await writer.DisposeAsync();
            }
        }
    }
}
