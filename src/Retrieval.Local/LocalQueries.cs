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
    private static readonly string[] PassageFields = [IndexFields.Title, IndexFields.Text];
    private static readonly string[] DocumentFields = [IndexFields.Title, IndexFields.Body];

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
    /// A filter as a Lucene query: equality and existence on the string attribute fields, ranges on the numeric points
    /// indexed beside them. A negation is "all of the scope but", since a purely negative Lucene query matches nothing.
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
                var bounded = new BooleanQuery();
                foreach (var (op, value) in range.Bounds())
                {
                    bounded.Add(Bound(range, op, value), Occur.MUST);
                }

                return bounded;
            default:
                throw RetrievalException.Invalid("filter has an operator the local backend cannot express");
        }
    }

    /// <summary>One bound of a range on the attribute's numeric points (<see cref="IndexFields.NumberPrefix"/>, <see cref="IndexFields.DatePrefix"/>).</summary>
    private static Query Bound(FilterRange range, string op, string value)
    {
        bool lower = op is "$gt" or "$gte", inclusive = op is "$gte" or "$lte";
        if (range.Type == AttributeType.Number && AttributeValues.TryNumber(value, out var number))
        {
            return NumericRangeQuery.NewDoubleRange(IndexFields.NumberPrefix + range.Attribute, lower ? number : null, lower ? null : number, inclusive, inclusive);
        }

        if (range.Type == AttributeType.Date && AttributeValues.TryDate(value, out var seconds))
        {
            return NumericRangeQuery.NewInt64Range(IndexFields.DatePrefix + range.Attribute, lower ? seconds : null, lower ? null : seconds, inclusive, inclusive);
        }

        throw RetrievalException.Invalid($"filter '{range.Attribute}': the local backend cannot filter with {op} on this value");
    }

    public static Query Document(string tenantId, string docId) => new BooleanQuery
    {
        { new TermQuery(new Term(IndexFields.TenantId, tenantId)), Occur.MUST },
        { new TermQuery(new Term(IndexFields.DocKey, IndexFields.Key(tenantId, docId))), Occur.MUST },
    };

    /// <summary>The scope narrowed to head passages, which carry the document-level fields.</summary>
    public static Query Heads(Query scope) => new BooleanQuery
    {
        { scope, Occur.MUST },
        { new TermQuery(new Term(IndexFields.Head, "1")), Occur.MUST },
    };

    /// <summary>The query text as plain words over a passage's title and text (operators are escaped, so no input is a syntax error).</summary>
    public static Query? Text(string text, double titleBoost = 1) => Parse(text, PassageFields, IndexFields.Text, titleBoost);

    /// <summary>The query text as plain words over a document's title and whole text (<see cref="IndexFields.Body"/>); run on <see cref="Heads"/>.</summary>
    public static Query? Documents(string text, double titleBoost = 1) => Parse(text, DocumentFields, IndexFields.Body, titleBoost);

    /// <summary>Analysed words with weights (<see cref="LocalFeedback"/>) over a passage's title and text.</summary>
    public static Query Text(IReadOnlyList<(string Word, double Weight)> words, double titleBoost) => Weighted(words, IndexFields.Text, titleBoost);

    /// <summary>Analysed words with weights over a document's title and whole text; run on <see cref="Heads"/>.</summary>
    public static Query Documents(IReadOnlyList<(string Word, double Weight)> words, double titleBoost) => Weighted(words, IndexFields.Body, titleBoost);

    private static Query Weighted(IReadOnlyList<(string Word, double Weight)> words, string textField, double titleBoost)
    {
        var query = new BooleanQuery();
        foreach (var (word, weight) in words)
        {
            var either = new BooleanQuery
            {
                { new TermQuery(new Term(IndexFields.Title, word)) { Boost = (float)titleBoost }, Occur.SHOULD },
                { new TermQuery(new Term(textField, word)), Occur.SHOULD },
            };
            either.Boost = (float)weight;
            query.Add(either, Occur.SHOULD);
        }

        return query;
    }

    private static Query? Parse(string text, string[] fields, string textField, double titleBoost)
    {
        var boosts = new Dictionary<string, float> { [IndexFields.Title] = (float)titleBoost, [textField] = 1f };
        var parser = new MultiFieldQueryParser(LuceneVersion.LUCENE_48, fields, LocalIndex.Analyzer, boosts)
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
