namespace McpRag.Retrieval.Search.Filters;

/// <summary>The attribute has a value (<c>{"$exists": true}</c>; <c>false</c> parses to a <see cref="FilterNot"/> of this).</summary>
public sealed record FilterExists(string Attribute) : SearchFilter
{
    public override string Canonical => "exists(" + FilterEquals.Escape(Attribute) + ")";
}
