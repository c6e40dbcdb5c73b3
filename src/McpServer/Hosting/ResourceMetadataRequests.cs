using McpRag.McpServer.Auth;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// Serves the protected-resource metadata as the canonical resource whatever <c>Host</c> a request names: the
/// document and its URL come from <see cref="AuthOptions.ResourceUrl"/>, never from the request (a reverse proxy
/// often rewrites <c>Host</c>, and an attacker may send any). The metadata handler matches its configured absolute
/// URL, so a request for the metadata path is presented to it under the canonical scheme and host.
/// </summary>
internal sealed class ResourceMetadataRequests(RequestDelegate next, IOptions<AuthOptions> auth)
{
    private readonly Uri _metadata = new(auth.Value.ResourceMetadataUrl()!);

    public Task InvokeAsync(HttpContext context)
    {
        if (string.Equals(context.Request.Path.Value, _metadata.AbsolutePath, StringComparison.OrdinalIgnoreCase))
        {
            context.Request.Scheme = _metadata.Scheme;
            context.Request.Host = HostString.FromUriComponent(_metadata);
        }

        return next(context);
    }
}
