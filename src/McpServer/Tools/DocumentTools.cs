using System.ComponentModel;
using System.Text.Json;
using McpRag.McpServer.Pipeline;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Tools;

/// <summary>
/// Write tools; they need the <c>rag:write</c> scope and only ever touch the caller's tenant. A write is charged by
/// what it costs: the passages it embeds come out of the tenant's embedding quota, and one call may embed at most
/// the quota's <c>maxChunksPerWrite</c>.
/// </summary>
[McpServerToolType]
internal sealed class DocumentTools(ThrottleStage throttle)
{
    /// <summary>Upper bound of one document's text; larger documents belong to <c>mcprag ingest</c>.</summary>
    public const int MaxTextLength = 1_000_000;

    [ToolScope(TenantPrincipal.WriteScope)]
    [McpServerTool(Name = "upsert_document", Title = "Add or replace a document", ReadOnly = false, Idempotent = true, OpenWorld = false, Destructive = true, UseStructuredContent = true, OutputSchemaType = typeof(UpsertToolResult))]
    [Description("Adds a document to the caller's knowledge base, or replaces the document with the same id. Requires the rag:write scope.")]
    public async Task<CallToolResult> Upsert(
        RequestContext<CallToolRequestParams> context,
        [Description("Document id; an existing document with this id is replaced.")] string id,
        [Description("Document title.")] string title,
        [Description("Document text (Markdown or plain text).")] string text,
        [Description("Link to the original, if any.")] string? url = null,
        [Description("Attributes for filtering, e.g. {\"category\": \"faq\"}.")] Dictionary<string, JsonElement>? attributes = null,
        CancellationToken cancellationToken = default)
    {
        var call = CallContext.For(context);
        if (string.IsNullOrWhiteSpace(title) || title.Length > 1_000)
        {
            throw RetrievalException.Invalid("title must be 1-1000 characters");
        }

        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxTextLength)
        {
            throw RetrievalException.Invalid($"text must be 1-{MaxTextLength} characters");
        }

        var document = new RetrievalDocument(ToolArguments.Id(id), title.Trim(), text)
        {
            Url = string.IsNullOrWhiteSpace(url) ? null : url.Trim(),
            Attributes = ToolArguments.Filters(attributes),
        };
        await throttle.ChargeWriteAsync(call.BoundRoute, call.BoundBackend.EmbeddingCost(document), cancellationToken);
        var chunks = await call.BoundBackend.UpsertAsync(call.BoundRoute, call.Principal, [document], null, cancellationToken);
        var result = new UpsertToolResult(document.Id, chunks, call.Principal.TenantId);
        return ToolResults.Structured(result);
    }

    [ToolScope(TenantPrincipal.WriteScope)]
    [McpServerTool(Name = "delete_document", Title = "Delete a document", ReadOnly = false, Idempotent = true, OpenWorld = false, Destructive = true, UseStructuredContent = true, OutputSchemaType = typeof(DeleteToolResult))]
    [Description("Deletes a document from the caller's knowledge base. Requires the rag:write scope.")]
    public async Task<CallToolResult> Delete(
        RequestContext<CallToolRequestParams> context,
        [Description("Id of the document to delete.")] string id,
        CancellationToken cancellationToken = default)
    {
        var call = CallContext.For(context);
        var documentId = ToolArguments.Id(id);
        if (!await call.BoundBackend.DeleteAsync(call.BoundRoute, call.Principal, documentId, cancellationToken))
        {
            throw new RetrievalException(RetrievalErrorCode.NotFound, "no document with this id");
        }

        return ToolResults.Structured(new DeleteToolResult(documentId, true, call.Principal.TenantId));
    }
}
