namespace McpRag.Retrieval.Portability;

/// <summary>
/// The first line of an export file: whose documents it holds, how many, and which embedding model made the vectors
/// in it (<c>null</c> when it holds none), so an import can tell whether the vectors fit the target route.
/// </summary>
public sealed record TenantExportHeader(string Tenant, int Documents, string? Model, int? Dimensions, DateTimeOffset ExportedAt);
