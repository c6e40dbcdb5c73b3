namespace McpRag.Retrieval.Search;

/// <summary>Keeps caller- or operator-supplied values short when they are quoted back in a one-line error.</summary>
public static class ErrorText
{
    public const int MaxQuoted = 40;

    public static string Shorten(string value) => value.Length <= MaxQuoted ? value : value[..MaxQuoted] + "…";
}
