using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpRag.Retrieval.Search;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tools;

/// <summary>
/// Opaque paging cursors: the backend's position, bound to the tenant and to the exact search (query, mode,
/// filters, page size) and authenticated with HMAC-SHA256. A cursor replayed by another tenant, for another query,
/// or altered in any byte is refused.
/// </summary>
public sealed class CursorCodec(IOptions<CursorOptions> options)
{
    public const int MaxCursorLength = 2_048;

    private readonly byte[] _key = options.Value.Secret is { Length: > 0 } secret
        ? Convert.FromBase64String(secret)
        : RandomNumberGenerator.GetBytes(32);

    public string Encode(string tenantId, SearchQuery query, string position)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(tenantId, Fingerprint(query), position));
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Sign(payload));
    }

    /// <summary>Returns the position, or throws <c>invalid_argument</c>.</summary>
    public string Decode(string cursor, string tenantId, SearchQuery query)
    {
        var invalid = RetrievalException.Invalid("cursor is not valid for this search");
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        if (cursor.Length > MaxCursorLength || dot <= 0)
        {
            throw invalid;
        }

        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(cursor.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            throw invalid;
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(payload)))
        {
            throw invalid;
        }

        var decoded = JsonSerializer.Deserialize<Payload>(payload);
        return decoded is not null && decoded.T == tenantId && decoded.Q == Fingerprint(query) ? decoded.P : throw invalid;
    }

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(_key, payload);

    private static string Fingerprint(SearchQuery query)
    {
        var canonical = new StringBuilder()
            .Append(query.Text).Append('\0').Append(query.Mode).Append('\0').Append(query.TopK).Append('\0');
        foreach (var (name, values) in query.Filters.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            canonical.Append(name).Append('=').AppendJoin('\u001f', values.Order(StringComparer.Ordinal)).Append('\0');
        }

        return Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())), 0, 16);
    }

    private sealed record Payload(string T, string Q, string P);
}
