using Lucene.Net.Index;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;
using Lucene.Net.Util;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>Builds the Lucene queries of the local backend; the tenant clause is added here and nowhere else.</summary>
internal static class LocalQueries
{
    private static readonly string[] TextFields = [IndexFields.Title, IndexFields.Text];

    /// <summary>
    /// The scope every query, read and delete runs in: the caller's tenant as a MUST, AND the caller's filter beside it.
    /// The filter only ever narrows this scope: it sits in its own clause and cannot replace the tenant's.
    /// </summary>
    public static Query Scope(string tenantId, SearchFilter? filter)
    {
        var scope = new BooleanQuery { { new TermQuery(new Term(IndexFields.TenantId, tenantId)), Occur.MUST } };
        if (filter is not null)
        {
            scope.Add(Filter(filter), Occur.MUST);
        }

        return scope;
    }

    /// <summary>
    /// A filter as a Lucene query on the stored string attribute fields. A negation is "all of the scope but", since a
    /// purely negative Lucene query matches nothing. Ranges need typed fields the index does not hold, so they are
    /// refused with the operator named rather than compared as strings.
    /// </summary>
    private static Query Filter(SearchFilter filter)
    {
        switch (filter)
        {
            case FilterGroup group:
                var joined = new BooleanQuery();
                foreach (var member in group.Members)
                {
                    joined.Add(Filter(member), group.Join == FilterJoin.All ? Occur.MUST : Occur.SHOULD);
                }

                return joined;
            case FilterNot not:
                return new BooleanQuery { { new MatchAllDocsQuery(), Occur.MUST }, { Filter(not.Inner), Occur.MUST_NOT } };
            case FilterEquals equals:
                var anyOf = new BooleanQuery();
                foreach (var value in equals.Values)
                {
                    anyOf.Add(new TermQuery(new Term(IndexFields.AttributePrefix + equals.Attribute, value)), Occur.SHOULD);
                }

                return anyOf;
            case FilterExists exists:
                return TermRangeQuery.NewStringRange(IndexFields.AttributePrefix + exists.Attribute, null, null, includeLower: true, includeUpper: true);
            case FilterRange range:
                throw RetrievalException.Invalid($"filter '{range.Attribute}': the local backend cannot filter with {range.Bounds().First().Operator} (ranges need typed index fields); use $eq, $in, $exists, $not, $and, $or");
            default:
                throw RetrievalException.Invalid("filter has an operator the local backend cannot express");
        }
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
