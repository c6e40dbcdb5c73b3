namespace McpRag.McpServer.Throttling;

/// <summary>
/// One token bucket: a tenant, or one subject of a tenant, under one quota. The quota's numbers are part of the
/// key, so a quota changed in the routing table starts a fresh bucket on the next call. <see cref="Kind"/> names a
/// bucket that counts something other than calls (<c>embed</c>: passages embedded).
/// </summary>
internal sealed record BucketKey(string TenantId, string? Subject, int PerMinute, int Burst, string? Kind = null)
{
    /// <summary>The bucket of passages a tenant's writes embed.</summary>
    public static BucketKey Embedding(string tenantId, int perMinute) => new(tenantId, null, perMinute, perMinute, "embed");

    /// <summary>The Redis key suffix; subject ids are hashed so arbitrary subject strings make safe, bounded keys.</summary>
    public override string ToString() =>
        Kind is not null ? $"mcprag:{TenantId}:{Kind}:{PerMinute}:{Burst}"
        : Subject is null
            ? $"mcprag:{TenantId}:{PerMinute}:{Burst}"
            : $"mcprag:{TenantId}:s:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Subject)))[..24]}:{PerMinute}:{Burst}";
}
