namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// Who is calling: built once per tool call from a validated token, never from tool arguments,
/// so every backend can trust <see cref="TenantId"/> as the only source of tenant scope.
/// </summary>
public sealed record TenantPrincipal(string TenantId, string Subject, IReadOnlySet<string> Scopes, DateTimeOffset ExpiresAt)
{
    /// <summary>Scope that grants the read tools (<c>search</c>, <c>fetch</c>).</summary>
    public const string ReadScope = "rag:read";

    /// <summary>Scope that grants the write tools (<c>upsert_document</c>, <c>delete_document</c>).</summary>
    public const string WriteScope = "rag:write";

    public bool HasScope(string scope) => Scopes.Contains(scope);

    /// <summary>
    /// The validated token the call came with, for backends that exchange it for upstream credentials of their own
    /// (Amazon Q index: IAM Identity Center <c>CreateTokenWithIAM</c>). Never forwarded as is, logged or printed:
    /// <see cref="ToString"/> leaves it out. <c>null</c> for operator commands.
    /// </summary>
    public string? AccessToken { get; init; }

    public override string ToString() => $"TenantPrincipal {{ TenantId = {TenantId}, Subject = {Subject} }}";

    /// <summary>
    /// The principal an operator command (<c>mcprag ingest</c>) acts as: it runs on the server's own machine
    /// with the operator's authority, so it carries the write scope for exactly one tenant.
    /// </summary>
    public static TenantPrincipal Operator(string tenantId) =>
        new(tenantId, "operator", new HashSet<string>(StringComparer.Ordinal) { ReadScope, WriteScope }, DateTimeOffset.MaxValue);
}
