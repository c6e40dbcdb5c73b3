using Lucene.Net.Index;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>Builds the Lucene queries of the local backend; the tenant clause is added here and nowhere else.</summary>
internal static class LocalQueries
{
    private static readonly string[] TextFields = [IndexFields.Title, IndexFields.Text];

    /// <summary>
    /// The scope every query, read and delete runs in: the caller's tenant, AND each attribute filter
    /// (any of its values). Filters only ever narrow this scope.
    /// </summary>
    public static Query Scope(string tenantId, IReadOnlyDictionary<string, IReadOnlyList<string>> filters)
    {
        var scope = new BooleanQuery { { new TermQuery(new Term(IndexFields.TenantId, tenantId)), Occur.MUST } };
        foreach (var (name, values) in filters)
        {
            var anyOf = new BooleanQuery();
            foreach (var value in values)
            {
                anyOf.Add(new TermQuery(new Term(IndexFields.AttributePrefix + name, value)), Occur.SHOULD);
            }

            scope.Add(anyOf, Occur.MUST);
        }

        return scope;
    }

    public static Query Document(string tenantId, string docId) => new BooleanQuery
    {
        { new TermQuery(new Term(IndexFields.TenantId, tenantId)), Occur.MUST },
        { new TermQuery(new Term(IndexFields.DocKey, IndexFields.Key(tenantId, docId))), Occur.MUST },
    };

    /// <summary>The query text as plain words: operators are escaped, so no input is a syntax error.</summary>
    public static Query? Text(string text)
    {
        var parser = new MultiFieldQueryParser(LuceneVersion.LUCENE_48, TextFields, LocalIndex.Analyzer)
        {
            DefaultOperator = Operator.OR,
        };
        try
        {
            var query = parser.Parse(QueryParserBase.Escape(text));
            return query is BooleanQuery { Clauses.Count: 0 } ? null : query;
        }
        catch (ParseException)
        {
            return null;
        }
    }
}
