using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>
/// A Q index with content, behind the loopback Q Business fake: documents are loaded per retriever (what a customer's
/// data sources would feed), and <c>SearchRelevantContent</c> answers from them the way the service does — its own
/// ranking (here: how many distinct query words a document holds), the request's <c>attributeFilter</c>, and
/// <c>maxResults</c> pages continued by <c>nextToken</c>. Every request is first checked against the model's request
/// shapes; a request that is not answers <c>ValidationException</c> and is kept in <see cref="Violations"/>.
/// </summary>
internal sealed class FakeQIndex
{
    private const string TokenPrefix = "page-";
    private readonly ConcurrentDictionary<string, IReadOnlyList<RetrievalDocument>> _retrievers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();

    public IReadOnlyCollection<string> Violations => _violations.ToArray();

    public void Load(string retrieverId, IReadOnlyList<RetrievalDocument> documents) => _retrievers[retrieverId] = documents;

    public FakeResponse Answer(RecordedRequest request)
    {
        var body = request.Json;
        try
        {
            QBusinessWire.AssertSearchRelevantContentRequest(body);
        }
        catch (Xunit.Sdk.XunitException ex)
        {
            _violations.Enqueue(ex.Message);
            return FakeResponse.RestJsonError(400, "ValidationException", JsonSerializer.Serialize(new { message = "request does not match the model: " + ex.Message }));
        }

        var retriever = body.GetProperty("contentSource").GetProperty("retriever").GetProperty("retrieverId").GetString()!;
        var words = Words(body.GetProperty("queryText").GetString()!);
        var ranked = _retrievers.GetValueOrDefault(retriever, [])
            .Where(d => !body.TryGetProperty("attributeFilter", out var filter) || Matches(filter, d))
            .Select(d => (Document: d, Score: words.Count(Words(d.Title + " " + d.Text).Contains)))
            .Where(r => r.Score > 0)
            .OrderByDescending(r => r.Score).ThenBy(r => r.Document.Id, StringComparer.Ordinal)
            .ToList();
        var offset = body.TryGetProperty("nextToken", out var token) ? int.Parse(token.GetString()![TokenPrefix.Length..], CultureInfo.InvariantCulture) : 0;
        var size = body.TryGetProperty("maxResults", out var max) ? max.GetInt32() : 100;
        var page = ranked.Skip(offset).Take(size).ToList();
        var answer = new JsonObject
        {
            ["relevantContent"] = new JsonArray(page.Select((r, i) => (JsonNode)Passage(r.Document, offset + i)).ToArray()),
        };
        if (offset + page.Count < ranked.Count)
        {
            answer["nextToken"] = TokenPrefix + (offset + page.Count).ToString(CultureInfo.InvariantCulture);
        }

        return FakeResponse.Json(answer.ToJsonString());
    }

    /// <summary>One passage per document: the whole text, with the confidence bucket falling with the rank.</summary>
    private static JsonObject Passage(RetrievalDocument document, int rank) => new()
    {
        ["content"] = document.Text,
        ["documentId"] = document.Id,
        ["documentTitle"] = document.Title,
        ["documentUri"] = document.Url,
        ["documentAttributes"] = new JsonArray(document.Attributes.Select(a => (JsonNode)new JsonObject
        {
            ["name"] = a.Key,
            ["value"] = a.Value.Count == 1
                ? new JsonObject { ["stringValue"] = a.Value[0] }
                : new JsonObject { ["stringListValue"] = new JsonArray(a.Value.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()) },
        }).ToArray()),
        ["scoreAttributes"] = new JsonObject { ["scoreConfidence"] = rank switch { 0 => "VERY_HIGH", 1 => "HIGH", 2 => "MEDIUM", _ => "LOW" } },
    };

    /// <summary>The AttributeFilter operators the backend sends, evaluated on string and string-list attributes.</summary>
    private static bool Matches(JsonElement filter, RetrievalDocument document)
    {
        var (op, operand) = filter.EnumerateObject().Select(m => (m.Name, m.Value)).Single();
        switch (op)
        {
            case "andAllFilters":
                return operand.EnumerateArray().All(f => Matches(f, document));
            case "orAllFilters":
                return operand.EnumerateArray().Any(f => Matches(f, document));
            case "notFilter":
                return !Matches(operand, document);
        }

        var values = document.Attributes.GetValueOrDefault(operand.GetProperty("name").GetString()!, []);
        var value = operand.GetProperty("value");
        var wanted = value.TryGetProperty("stringValue", out var single)
            ? [single.GetString()!]
            : value.GetProperty("stringListValue").EnumerateArray().Select(v => v.GetString()!).ToArray();
        return op switch
        {
            "equalsTo" => values.Count == 1 && wanted.Length == 1 && values[0] == wanted[0],
            "containsAny" => wanted.Any(values.Contains),
            "containsAll" => wanted.All(values.Contains),
            _ => throw new NotSupportedException($"the fake Q index does not evaluate '{op}'"),
        };
    }

    private static HashSet<string> Words(string text) =>
        text.ToLowerInvariant().Split(text.Where(c => !char.IsLetterOrDigit(c)).Distinct().ToArray(), StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
}
