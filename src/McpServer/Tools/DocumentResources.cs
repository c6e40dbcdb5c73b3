using System.ComponentModel;
using McpRag.McpServer.Pipeline;
using McpRag.Retrieval.Search;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Tools;

/// <summary>
/// Every document of the caller's tenant as an MCP resource, <c>mcprag://documents/{id}</c> (a resource template:
/// documents are not enumerated). A read goes through <see cref="CallPipeline"/> like <c>fetch</c> and is scoped
/// the same way: a document of another tenant is "not found", exactly like a missing one.
/// </summary>
[McpServerResourceType]
internal sealed class DocumentResources
{
    public const string Scheme = "mcprag";

    public const string UriTemplate = Scheme + "://documents/{id}";

    public const string MimeType = "text/markdown";

    [McpServerResource(UriTemplate = UriTemplate, Name = "document", Title = "Document", MimeType = MimeType)]
    [Description("One document of the caller's knowledge base, as Markdown. Search results link to these.")]
    public static async Task<ReadResourceResult> Read(RequestContext<ReadResourceRequestParams> context, string id, CancellationToken cancellationToken)
    {
        var call = CallContext.For(context);
        var document = await call.BoundBackend.GetAsync(call.BoundRoute, call.Principal, ToolArguments.Id(id), cancellationToken)
            ?? throw new RetrievalException(RetrievalErrorCode.NotFound, "no document with this id");
        call.Found(1);
        return new ReadResourceResult
        {
            Contents = [new TextResourceContents { Uri = UriOf(document.Id), MimeType = MimeType, Text = document.Text }],
        };
    }

    /// <summary>The resource URI of a document id (percent-encoded, so any id round-trips).</summary>
    public static string UriOf(string id) => $"{Scheme}://documents/{Uri.EscapeDataString(id)}";

    /// <summary>The link a result gives for a document: its own URL when it has one, else its resource URI.</summary>
    public static string UrlOf(string? url, string id) => string.IsNullOrWhiteSpace(url) ? UriOf(id) : url;

    /// <summary>
    /// The resource-not-found error (SEP-2164 shape: the requested <c>uri</c> in <c>data</c>); the SDK reports it as
    /// -32602 to clients of the newer revisions and as the legacy -32002 to older ones.
    /// </summary>
    public static McpProtocolException NotFound(string? uri)
    {
        var error = new McpProtocolException("Resource not found", McpErrorCode.ResourceNotFound);
        error.Data["uri"] = uri;
        return error;
    }
}
