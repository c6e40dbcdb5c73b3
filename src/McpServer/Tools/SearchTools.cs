using System.ComponentModel;
using System.Text.Json;
using McpRag.McpServer.Pipeline;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Tools;

/// <summary>
/// The read tools, named after the search/fetch convention MCP connectors already use. Both are read-only and
/// closed-world: they only ever see the caller's own tenant.
/// </summary>
[McpServerToolType]
internal sealed class SearchTools(CursorCodec cursors)
{
    [ToolScope(TenantPrincipal.ReadScope)]
    [McpServerTool(Name = "search", Title = "Search the knowledge base", ReadOnly = true, Idempotent = true, OpenWorld = false, Destructive = false, UseStructuredContent = true, OutputSchemaType = typeof(SearchToolResult))]
    [Description("Searches the caller's knowledge base (FAQs, manuals, policies, past inquiries) and returns the best matching documents with a snippet each. Use 'fetch' with a result's id to read the whole document.")]
    public async Task<CallToolResult> Search(
        RequestContext<CallToolRequestParams> context,
        [Description("What to look for, in natural language or keywords.")] string query,
        [Description("Number of results, 1-50.")] int top_k = SearchLimits.DefaultTopK,
        [Description("Ranking: 'hybrid' (default, keyword and semantic fused), 'keyword' (exact terms, BM25) or 'semantic' (meaning, embeddings).")] string mode = "hybrid",
        [Description(SearchFilterSchema.Description)] Dictionary<string, JsonElement>? filters = null,
        [Description("The 'next_cursor' of a previous result, to get the next page of the same search.")] string? cursor = null,
        [Description("About how many characters each result's snippet may hold, 40-2000.")] int snippet_chars = SnippetText.Length,
        CancellationToken cancellationToken = default)
    {
        var call = CallContext.For(context);
        call.Searched(query, ToolArguments.TryMode(mode));
        var searchQuery = new SearchQuery(ToolArguments.Query(query), ToolArguments.TopK(top_k), ToolArguments.Mode(mode), RetrievalDocument.EmptyAttributes)
        {
            Filter = FilterParser.Parse(filters, call.BoundRoute.Attributes),
            SnippetChars = ToolArguments.SnippetChars(snippet_chars),
        };
        if (cursor is not null)
        {
            searchQuery = searchQuery with { Position = cursors.Decode(cursor, call.Principal, searchQuery) };
        }

        var page = await call.BoundBackend.SearchAsync(call.BoundRoute, call.Principal, searchQuery, cancellationToken);
        var result = new SearchToolResult(
            page.Hits.Select(h => new SearchToolHit(h.Id, h.Title, DocumentResources.UrlOf(h.Url, h.Id), h.Snippet, h.Score, h.Attributes) { Source = h.Source, SnippetTruncated = h.SnippetTruncated }).ToList(),
            page.NextPosition is null ? null : cursors.Encode(call.Principal, searchQuery, page.NextPosition),
            call.Principal.TenantId,
            call.BoundBackend.Name,
            searchQuery.Mode.ToString().ToLowerInvariant())
        {
            Warnings = page.Warnings.Count == 0 ? null : page.Warnings.Select(w => new SearchToolWarning(w.Source, w.Reason)).ToList(),
        };
        call.Found(result.Results.Count);
        call.Sources = page.Sources;
        return ToolResults.Structured(result, result.Results.Select(Link));
    }

    [ToolScope(TenantPrincipal.ReadScope)]
    [McpServerTool(Name = "fetch", Title = "Read a document", ReadOnly = true, Idempotent = true, OpenWorld = false, Destructive = false, UseStructuredContent = true, OutputSchemaType = typeof(FetchToolResult))]
    [Description("Returns the text of one document of the caller's knowledge base, by the id a search result gave. Long documents come in windows of 'max_chars' characters: call again with offset = next_offset to read on.")]
    public async Task<CallToolResult> Fetch(
        RequestContext<CallToolRequestParams> context,
        [Description("Document id from a search result.")] string id,
        [Description("Most characters of text to return, 1-100000.")] int max_chars = TextWindow.DefaultMaxChars,
        [Description("Where to start in the document's text, in characters (a previous result's next_offset).")] int offset = 0,
        CancellationToken cancellationToken = default)
    {
        var call = CallContext.For(context);
        var window = TextWindow.Of(max_chars, offset);
        var document = await call.BoundBackend.GetAsync(call.BoundRoute, call.Principal, ToolArguments.Id(id), cancellationToken)
            ?? throw new RetrievalException(RetrievalErrorCode.NotFound, "no document with this id");
        var (text, next) = window.Cut(document.Text);
        call.Found(1);
        return ToolResults.Structured(new FetchToolResult(
            document.Id, document.Title, DocumentResources.UrlOf(document.Url, document.Id), text, document.Attributes,
            window.Offset, document.Text.Length, next is not null, next));
    }

    /// <summary>A resource link per hit, so clients that follow links can read the document through <c>resources/read</c>.</summary>
    private static ResourceLinkBlock Link(SearchToolHit hit) => new()
    {
        Uri = DocumentResources.UriOf(hit.Id),
        Name = hit.Id,
        Title = hit.Title,
        MimeType = DocumentResources.MimeType,
    };
}
