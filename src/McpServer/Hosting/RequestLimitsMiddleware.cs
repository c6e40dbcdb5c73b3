using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using McpRag.McpServer.Pipeline;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// Screens MCP requests before the transport parses them, so hostile input costs little and gets a clear answer
/// instead of an exception: a token in the query string is refused (tokens travel only in the <c>Authorization</c>
/// header, where they are not logged by proxies), a body over <c>McpRag:Http:MaxRequestBodyBytes</c> gets 413,
/// and a body that is not well-formed UTF-8 JSON, or nests deeper than <c>McpRag:Http:MaxJsonDepth</c>, gets 400
/// with a JSON-RPC error.
/// </summary>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, IOptions<HttpSecurityOptions> options)
{
    /// <summary>JSON-RPC 2.0: the body is not valid JSON.</summary>
    public const int ParseError = -32700;

    /// <summary>JSON-RPC 2.0: the JSON is not an acceptable request.</summary>
    public const int InvalidRequest = -32600;

    /// <summary>
    /// How much of an oversized body of unknown length is still read (and discarded) before the 413 goes out, so a
    /// client that is still sending sees the answer instead of a reset connection.
    /// </summary>
    private const int DrainAllowance = 256 * 1024;

    private static readonly string[] TokenParameters = ["access_token", "token", "id_token", "bearer"];

    private readonly HttpSecurityOptions _options = options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpServerHost.IsMcpPath(request.Path))
        {
            await next(context);
            return;
        }

        if (request.Query.Keys.Any(k => TokenParameters.Contains(k, StringComparer.OrdinalIgnoreCase)))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, InvalidRequest, "tokens are accepted only in the Authorization header");
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            await next(context);
            return;
        }

        if (request.ContentLength > _options.MaxRequestBodyBytes)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, InvalidRequest, $"request body is larger than {_options.MaxRequestBodyBytes} bytes");
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = _options.MaxRequestBodyBytes + DrainAllowance;
        }

        var body = await ReadBodyAsync(request, context.RequestAborted);
        if (body is null)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, InvalidRequest, $"request body is larger than {_options.MaxRequestBodyBytes} bytes");
            return;
        }

        var (facts, problem) = JsonRpcBodyScan.Read(body.GetBuffer().AsSpan(0, (int)body.Length), _options.MaxJsonDepth);
        if (problem is { } error)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, error.Code, error.Message);
            return;
        }

        if (JsonRpcRequestRules.Check(facts!) is { } invalid)
        {
            var status = invalid.Code == JsonRpcRequestRules.MethodNotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
            await RefuseAsync(context, status, invalid.Code, invalid.Message, invalid.Id);
            return;
        }

        if (context.Features.Get<CallContext>() is { } call)
        {
            call.Request = facts!.Summary();
        }

        body.Position = 0;
        request.Body = body;
        request.ContentLength = body.Length;
        await next(context);
    }

    private async Task<MemoryStream?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > _options.MaxRequestBodyBytes)
                {
                    await DrainAsync(request.Body, chunk, cancellationToken);
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return buffer;
    }

    private static async Task DrainAsync(Stream body, byte[] chunk, CancellationToken cancellationToken)
    {
        try
        {
            for (var drained = 0; drained < DrainAllowance;)
            {
                var read = await body.ReadAsync(chunk, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                drained += read;
            }
        }
        catch (BadHttpRequestException)
        {
            // Past the transport's own limit: the connection is closed after the answer.
        }
    }

    private static Task RefuseAsync(HttpContext context, int status, int code, string message, JsonElement? id = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = JsonSerializer.Serialize(new { jsonrpc = "2.0", id, error = new { code, message } });
        return context.Response.WriteAsync(body, context.RequestAborted);
    }
}
