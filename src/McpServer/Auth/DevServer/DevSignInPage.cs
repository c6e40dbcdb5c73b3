using System.Net;
using System.Security.Claims;
using System.Text;
using McpRag.Retrieval.Tenancy;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpRag.McpServer.Auth.DevServer;

/// <summary>
/// The development sign-in page of <see cref="DevAuthorizationServer"/>: a person picks one of the routing table's
/// tenants, a user name and the scopes to grant (those the client asked for, preselected), and allows or denies.
/// The form posts the authorization request back with those choices; allowing signs in a principal whose access token
/// names the tenant in the configured tenant claim, for this server's resource URL only.
/// </summary>
internal sealed class DevSignInPage(FileTenantDirectory tenants, IOptions<AuthOptions> auth, IServiceScopeFactory scopes)
{
    private const string TenantField = "mcprag_tenant";
    private const string UserField = "mcprag_user";
    private const string ScopeField = "mcprag_scope";
    private const string DecisionField = "mcprag_decision";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest();
        if (request is null)
        {
            return Results.BadRequest();
        }

        var decision = request.GetParameter(DecisionField)?.ToString();
        if (decision is null || !HttpMethods.IsPost(context.Request.Method))
        {
            return Results.Content(Render(request, await ClientNameAsync(request.ClientId, context.RequestAborted)), "text/html; charset=utf-8");
        }

        if (decision != "allow")
        {
            return Forbid("the person denied access");
        }

        var tenant = request.GetParameter(TenantField)?.ToString();
        if (tenant is null || !TenantId.IsValid(tenant) || !tenants.TenantIds.Contains(tenant, StringComparer.Ordinal))
        {
            return Forbid("choose one of the sample tenants");
        }

        var user = request.GetParameter(UserField)?.ToString() is { Length: > 0 and <= 64 } u ? u.Trim() : "demo-user";
        var chosen = context.Request.Form[ScopeField].Select(s => s ?? string.Empty).ToHashSet(StringComparer.Ordinal);
        var scopes = request.GetScopes().Where(chosen.Contains).Where(DevAuthorizationServer.TenantPrincipalScopes.Contains).ToList();
        if (scopes.Count == 0)
        {
            return Forbid("grant at least one scope");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, $"{user}@{tenant}"));
        identity.AddClaim(new Claim(auth.Value.TenantClaim, tenant));
        // offline_access too, so the client gets a refresh token without having to know to ask for it.
        identity.SetScopes([.. scopes, Scopes.OfflineAccess]);
        identity.SetResources(auth.Value.ResourceUrl!);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Forbid(string reason) => Results.Forbid(
        new Microsoft.AspNetCore.Authentication.AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.AccessDenied,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = reason,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>The name the client registered with, so the person sees who asks (OpenIddict has validated the client id).</summary>
    private async Task<string?> ClientNameAsync(string? clientId, CancellationToken cancellationToken)
    {
        if (clientId is null)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        return await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application
            ? await applications.GetDisplayNameAsync(application, cancellationToken)
            : null;
    }

    private string Render(OpenIddictRequest request, string? clientName)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>McpRag development sign-in</title>
            <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}fieldset{margin:1rem 0}label{display:block;margin:.3rem 0}</style>
            </head><body>
            <h1>McpRag development sign-in</h1>
            <p>Development only: no password. Pick the tenant and user this client acts as, and the scopes it gets.</p>
            """);
        html.Append($"<p><strong>{E(clientName ?? request.ClientId)}</strong> asks for access to <code>{E(auth.Value.ResourceUrl)}</code>.</p>");
        html.Append($"<form method=\"post\" action=\"{E(DevAuthorizationServer.AuthorizePath)}\">");
        foreach (var (name, value) in request.GetParameters())
        {
            if (name is TenantField or UserField or ScopeField or DecisionField)
            {
                continue;
            }

            foreach (var item in (Microsoft.Extensions.Primitives.StringValues)value)
            {
                html.Append($"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(item)}\">");
            }
        }

        html.Append("<fieldset><legend>Tenant</legend>");
        var first = true;
        foreach (var tenant in tenants.TenantIds.Order(StringComparer.Ordinal))
        {
            html.Append($"<label><input type=\"radio\" name=\"{TenantField}\" value=\"{E(tenant)}\"{(first ? " checked" : "")}> {E(tenant)}</label>");
            first = false;
        }

        html.Append("</fieldset>");
        html.Append($"<label>User <input name=\"{UserField}\" value=\"demo-user\" maxlength=\"64\"></label>");
        html.Append("<fieldset><legend>Scopes</legend>");
        var requested = request.GetScopes();
        foreach (var scope in DevAuthorizationServer.TenantPrincipalScopes.Where(s => requested.Contains(s)))
        {
            html.Append($"<label><input type=\"checkbox\" name=\"{ScopeField}\" value=\"{E(scope)}\" checked> {E(scope)}</label>");
        }

        html.Append("</fieldset>");
        html.Append($"<button type=\"submit\" name=\"{DecisionField}\" value=\"allow\">Allow</button> ");
        html.Append($"<button type=\"submit\" name=\"{DecisionField}\" value=\"deny\">Deny</button>");
        html.Append("</form></body></html>");
        return html.ToString();
    }
}
