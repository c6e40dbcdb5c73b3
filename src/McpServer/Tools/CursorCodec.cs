using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tools;

/// <summary>
/// Opaque paging cursors: the backend's position (for OpenSearch the <c>search_after</c> values and the query strategy,
/// for Q index the service's <c>nextToken</c>) encrypted with AES-256-GCM, so a caller can neither read nor alter it.
/// The tenant, the subject and the exact search (query, mode, filters, page size) are the associated data: none of
/// them is in the cursor, yet a cursor replayed by another tenant or user, for another search, or changed in any byte
/// fails authentication and is refused as <c>invalid_argument</c>.
/// </summary>
/// <remarks>
/// Layout (base64url): version (1 byte) | nonce (12) | tag (16) | ciphertext. A backend's position is at most
/// <see cref="SourcePosition.MaxSourcePositionBytes"/>, room for Q index's 800-character <c>nextToken</c> with its
/// subject tag; a route of several sources carries every source's position in one (<see cref="SourcePosition"/>), so a
/// position is at most <see cref="MaxPositionBytes"/> and a cursor stays under <see cref="MaxCursorLength"/>.
/// </remarks>
internal sealed class CursorCodec(IOptions<CursorOptions> options)
{
    /// <summary>The longest backend position a cursor carries: every source of the largest route at its longest.</summary>
    public const int MaxPositionBytes = SourcePosition.MaxBytes;

    /// <summary>The base64url length of a cursor holding the longest position.</summary>
    public const int MaxCursorLength = (1 + NonceBytes + TagBytes + MaxPositionBytes + 2) / 3 * 4;

    private const byte Version = 2;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[] _key = HKDF.DeriveKey(
        HashAlgorithmName.SHA256,
        options.Value.Secret is { Length: > 0 } secret ? Convert.FromBase64String(secret) : RandomNumberGenerator.GetBytes(32),
        32,
        salt: [],
        info: "mcprag cursor v2 aes-256-gcm"u8.ToArray());

    public string Encode(TenantPrincipal principal, SearchQuery query, string position)
    {
        var plaintext = Encoding.UTF8.GetBytes(position);
        if (plaintext.Length > MaxPositionBytes)
        {
            throw new RetrievalException(RetrievalErrorCode.BackendError, "the backend's paging position is too long for a cursor");
        }

        var cursor = new byte[1 + NonceBytes + TagBytes + plaintext.Length];
        cursor[0] = Version;
        var nonce = cursor.AsSpan(1, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plaintext, cursor.AsSpan(1 + NonceBytes + TagBytes), cursor.AsSpan(1 + NonceBytes, TagBytes), Binding(principal, query));
        return Base64Url.EncodeToString(cursor);
    }

    /// <summary>Returns the position, or throws <c>invalid_argument</c>.</summary>
    public string Decode(string cursor, TenantPrincipal principal, SearchQuery query)
    {
        var invalid = RetrievalException.Invalid("cursor is not valid for this search");
        if (cursor.Length > MaxCursorLength)
        {
            throw invalid;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            throw invalid;
        }

        if (bytes.Length <= 1 + NonceBytes + TagBytes || bytes[0] != Version)
        {
            throw invalid;
        }

        var plaintext = new byte[bytes.Length - 1 - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(bytes.AsSpan(1, NonceBytes), bytes.AsSpan(1 + NonceBytes + TagBytes), bytes.AsSpan(1 + NonceBytes, TagBytes), plaintext, Binding(principal, query));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw invalid;
        }

        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>Tenant, subject and the canonical search, each field ended by a NUL so no two searches share bytes.</summary>
    private static byte[] Binding(TenantPrincipal principal, SearchQuery query)
    {
        var canonical = new StringBuilder()
            .Append(principal.TenantId).Append('\0').Append(principal.Subject).Append('\0')
            .Append(query.Text).Append('\0').Append(query.Mode).Append('\0').Append(query.TopK).Append('\0');
        canonical.Append(query.Criteria()?.Canonical).Append('\0');

        return Encoding.UTF8.GetBytes(canonical.ToString());
    }
}
