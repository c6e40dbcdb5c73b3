using System.Text.Json;

namespace McpRag.McpServer.Auth;

/// <summary>
/// Answers a <c>tools/call</c> whose token lacks the tool's scope with HTTP 403 and
/// <c>WWW-Authenticate: Bearer error="insufficient_scope"</c>, as the MCP authorization spec asks, so a client can
/// request a step-up token. The tool call filter checks the same scope again for stdio and as a second line.
/// </summary>
public sealed class InsufficientScopeMiddleware(RequestDelegate next, TenantPrincipalFactory principals)
{
    /// <summary>Only bodies up to this size are inspected; larger ones are left to the transport's own limits.</summary>
    private const int MaxInspectedBody = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.User.Identity?.IsAuthenticated == true
            && context.Request.ContentLength is null or <= MaxInspectedBody)
        {
            context.Request.EnableBuffering();
            var tool = await ReadToolNameAsync(context.Request);
            context.Request.Body.Position = 0;
            if (tool is not null && principals.Create(context.User).Principal is { } principal)
            {
                var scope = ToolScopes.For(tool);
                if (!principal.HasScope(scope))
                {
                    var request = context.Request;
                    var metadata = $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase}/.well-known/oauth-protected-resource{request.Path}";
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    context.Response.Headers.WWWAuthenticate =
                        $"Bearer error=\"insufficient_scope\", scope=\"{scope}\", resource_metadata=\"{metadata}\", error_description=\"this tool needs the '{scope}' scope\"";
                    return;
                }
            }
        }

        await next(context);
    }

    /// <summary>The tool name of a JSON-RPC <c>tools/call</c> request, or <c>null</c> for anything else.</summary>
    private static async Task<string?> ReadToolNameAsync(HttpRequest request)
    {
        try
        {
            using var json = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 64 }, request.HttpContext.RequestAborted);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("method", out var method) && method.ValueEquals("tools/call")
                && root.TryGetProperty("params", out var parameters) && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
