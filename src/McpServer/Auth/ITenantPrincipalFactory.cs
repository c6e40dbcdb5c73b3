using System.Security.Claims;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Auth;

/// <summary>Turns a validated token's claims into the caller; the seam <see cref="Pipeline.AuthenticateStage"/> resolves through.</summary>
internal interface ITenantPrincipalFactory
{
    (TenantPrincipal? Principal, string? Error) Create(ClaimsPrincipal user);
}
