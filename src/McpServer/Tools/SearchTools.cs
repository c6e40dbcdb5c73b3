using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using McpRag.Retrieval.Search;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Tools;

/// <summary>
/// The read tools, named after the search/fetch convention MCP connectors already use. Both are read-only and
/// closed-world: they only ever see the caller's own tenant.
/// </summary>
[McpServerToolType]
public sealed class SearchTools(CursorCodec cursors)
{
    [McpServerTool(Name = "search", Title = "Search the knowledge base", ReadOnly = true, Idempotent = true, OpenWorld = false, Destructive = false, UseStructuredContent = true, OutputSchemaType = typeof(SearchToolResult))]
    [Description("Searches the caller's knowledge base (FAQs, manuals, policies, past inquiries) and returns the best matching documents with a snippet each. Use 'fetch' with a result's id to read the whole document.")]
    public async Task<CallToolResult> Search(
        RequestContext<CallToolRequestParams> context,
        [Description("What to look for, in natural language or keywords.")] string query,
        [Description("Number of results, 1-50.")] int top_k = SearchLimits.DefaultTopK,
        [Description("Ranking: 'hybrid' (default, keyword and semantic fused), 'keyword' (exact terms, BM25) or 'semantic' (meaning, embeddings).")] string mode = "hybrid",
        [Description("Attribute filters, e.g. {\"category\": \"faq\"} or {\"product\": [\"esim\", \"roaming\"]}. All filters must match; any value of a list may match.")] Dictionary<string, JsonElement>? filters = null,
        [Description("The 'next_cursor' of a previous result, to get the next page of the same search.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var call = ToolCall.From(context);
        var searchQuery = new SearchQuery(ToolArguments.Query(query), ToolArguments.TopK(top_k), ToolArguments.Mode(mode), ToolArguments.Filters(filters));
        if (cursor is not null)
        {
            searchQuery = searchQuery with { Position = cursors.Decode(cursor, call.Principal, searchQuery) };
        }

        var page = await call.Backend.SearchAsync(call.Route, call.Principal, searchQuery, cancellationToken);
        var result = new SearchToolResult(
            page.Hits.Select(h => new SearchToolHit(h.Id, h.Title, h.Url, h.Snippet, h.Score, h.Attributes)).ToList(),
            page.NextPosition is null ? null : cursors.Encode(call.Principal, searchQuery, page.NextPosition),
            call.Principal.TenantId,
            call.Backend.Name,
            searchQuery.Mode.ToString().ToLowerInvariant());
        return ToolResults.Structured(result, Render(result));
    }

    [McpServerTool(Name = "fetch", Title = "Read a document", ReadOnly = true, Idempotent = true, OpenWorld = false, Destructive = false, UseStructuredContent = true, OutputSchemaType = typeof(FetchToolResult))]
    [Description("Returns the whole text of one document of the caller's knowledge base, by the id a search result gave.")]
    public async Task<CallToolResult> Fetch(
        RequestContext<CallToolRequestParams> context,
        [Description("Document id from a search result.")] string id,
        CancellationToken cancellationToken = default)
    {
        var call = ToolCall.From(context);
        var document = await call.Backend.GetAsync(call.Route, call.Principal, ToolArguments.Id(id), cancellationToken)
            ?? throw new RetrievalException(RetrievalErrorCode.NotFound, "no document with this id");
        var result = new FetchToolResult(document.Id, document.Title, document.Url, document.Text, document.Attributes);
        return ToolResults.Structured(result, $"# {document.Title}\n\n{document.Text}");
    }

    private static string Render(SearchToolResult result)
    {
        if (result.Results.Count == 0)
        {
            return "No matching documents.";
        }

        var text = new StringBuilder();
        for (var i = 0; i < result.Results.Count; i++)
        {
            var hit = result.Results[i];
            text.Append(CultureInfo.InvariantCulture, $"{i + 1}. {hit.Title} (id: {hit.Id}, score: {hit.Score:0.####})\n   {hit.Snippet.ReplaceLineEndings(" ")}\n");
        }

        if (result.NextCursor is not null)
        {
            text.Append("More results: call search again with the same arguments and cursor = next_cursor.\n");
        }

        return text.ToString();
    }
}
